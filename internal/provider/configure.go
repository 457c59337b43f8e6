package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// Every data source, resource and ephemeral resource embeds one of the
// bases below, which give it its Configure method: Configure keeps the
// client bundle (providerData) that the provider's Configure built, as
// data.

// providerDataHolder keeps the client bundle of one object. kind names the
// object in the bug report of providerDataFrom, such as
// "data source heroku2aws_app".
type providerDataHolder struct {
	kind string
	data *providerData
}

func (h *providerDataHolder) configure(data any, diags *diag.Diagnostics) {
	h.data = providerDataFrom(data, h.kind, diags)
}

// dataSourceBase is embedded by every data source.
type dataSourceBase struct{ providerDataHolder }

func newDataSourceBase(typeName string) dataSourceBase {
	return dataSourceBase{providerDataHolder{kind: "data source " + typeName}}
}

func (b *dataSourceBase) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	b.configure(req.ProviderData, &resp.Diagnostics)
}

// resourceBase is embedded by every resource.
type resourceBase struct{ providerDataHolder }

func newResourceBase(typeName string) resourceBase {
	return resourceBase{providerDataHolder{kind: "resource " + typeName}}
}

func (b *resourceBase) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	b.configure(req.ProviderData, &resp.Diagnostics)
}

// ephemeralResourceBase is embedded by every ephemeral resource.
type ephemeralResourceBase struct{ providerDataHolder }

func newEphemeralResourceBase(typeName string) ephemeralResourceBase {
	return ephemeralResourceBase{providerDataHolder{kind: "ephemeral resource " + typeName}}
}

func (b *ephemeralResourceBase) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	b.configure(req.ProviderData, &resp.Diagnostics)
}

// providerDataFrom extracts the client bundle in Configure. kind names the
// object for the bug report, e.g. "data source heroku2aws_app".
func providerDataFrom(data any, kind string, diags *diag.Diagnostics) *providerData {
	if data == nil {
		// The provider has not been configured yet (validation, early plan).
		return nil
	}
	pd, ok := data.(*providerData)
	if !ok {
		diags.AddError("Unexpected Provider Data",
			fmt.Sprintf("The %s expected provider data of type *providerData but got %T. "+
				"This is a bug in the heroku2aws provider; please report it.", kind, data))
		return nil
	}
	return pd
}
