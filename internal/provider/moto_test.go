package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/awsapi"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/herokuapi"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/sandbox/mototest"
)

// TestAccMotoSecondOpinion applies the same configuration (secret import
// on all three destinations, and the weighted pair) once against moto, an
// independent AWS emulator, and once against our sandbox, reads what each
// holds back through the SDK, and requires the two to agree. Each run
// also plans empty after the apply (terraform-plugin-testing checks it)
// and destroys.
func TestAccMotoSecondOpinion(t *testing.T) {
	if !terraformAtLeast(t, "1.11.0") {
		t.Skip("values_wo needs Terraform >= 1.11")
	}
	moto := mototest.StartT(t)
	_, herokuURL := startSandbox(t, sampleFixture(t), herokuapi.Options{})
	srv, sandboxURL := awsSandbox(t, awsapi.Options{})

	motoZone := motoCreateZone(t, moto.URL, "acme.com")
	sandboxZone := srv.CreateZone("acme.com")

	seen := map[string]motoView{}
	for _, backend := range []struct{ name, url, zone string }{
		{"moto", moto.URL, motoZone},
		{"sandbox", sandboxURL, sandboxZone},
	} {
		config := motoConfig(herokuURL, backend.url, backend.zone)
		resource.Test(t, resource.TestCase{
			TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
			ProtoV6ProviderFactories: factories(nil),
			CheckDestroy: func(*terraform.State) error {
				if v := readMotoView(t, backend.url, backend.zone); len(v.parameters)+len(v.secrets)+len(v.records) != 0 {
					return fmt.Errorf("%s after destroy: %+v", backend.name, v)
				}
				return nil
			},
			Steps: []resource.TestStep{{
				Config: config,
				Check: func(*terraform.State) error {
					seen[backend.name] = readMotoView(t, backend.url, backend.zone)
					return nil
				},
			}},
		})
	}
	if t.Failed() {
		return
	}
	if diff := cmp.Diff(seen["moto"], seen["sandbox"], cmp.AllowUnexported(motoView{})); diff != "" {
		t.Errorf("moto and our sandbox hold different objects for the same configuration (-moto +sandbox):\n%s", diff)
	}
	if v := seen["moto"]; len(v.parameters) != 2 || len(v.secrets) != 3 || len(v.records) != 2 {
		t.Errorf("moto holds %d parameters, %d secrets, %d records; want 2, 3, 2: %+v", len(v.parameters), len(v.secrets), len(v.records), v)
	}
}

func motoConfig(herokuURL, awsURL, zoneID string) string {
	return fmt.Sprintf(`
provider "heroku2aws" {
  heroku_api_url = %[1]q
  heroku_api_key = %[2]q
  aws {
    region = "us-east-1"
    endpoints {
      ssm            = %[3]q
      secretsmanager = %[3]q
      route53        = %[3]q
    }
  }
}

resource "heroku2aws_secret_import" "ssm" {
  values_wo         = { A = "one", B = "two" }
  values_wo_version = 1
  ssm {
    path_prefix = "/acme/prod/"
    tags        = { app = "acme" }
  }
}

resource "heroku2aws_secret_import" "json" {
  values_wo         = { A = "one", B = "two" }
  values_wo_version = 1
  secretsmanager {
    name                    = "acme/json"
    recovery_window_in_days = 0
  }
}

resource "heroku2aws_secret_import" "per_var" {
  values_wo         = { A = "one", B = "two" }
  values_wo_version = 1
  secretsmanager_per_var {
    name_prefix             = "acme/var/"
    recovery_window_in_days = 0
  }
}
`, herokuURL, testAPIKey, awsURL) + pairConfig(zoneID, 90, 10, "")
}

// motoView is what one AWS API holds after the apply, without the parts
// that differ by nature (ARN suffixes, versions, dates).
type motoView struct {
	parameters map[string]string // name → type, value, tags
	secrets    map[string]string // name → value, tags
	records    map[string]string // name/type/set → weight, ttl, values
}

func readMotoView(t *testing.T, url, zoneID string) motoView {
	t.Helper()
	ctx := context.Background()
	v := motoView{parameters: map[string]string{}, secrets: map[string]string{}, records: map[string]string{}}
	sc := ssmClient(url)
	params, err := sc.GetParametersByPath(ctx, &ssm.GetParametersByPathInput{Path: aws.String("/acme/"), Recursive: aws.Bool(true), WithDecryption: aws.Bool(true)})
	if err != nil {
		t.Errorf("%s: GetParametersByPath: %v", url, err)
		return v
	}
	for _, p := range params.Parameters {
		tags, err := sc.ListTagsForResource(ctx, &ssm.ListTagsForResourceInput{ResourceType: "Parameter", ResourceId: p.Name})
		if err != nil {
			t.Errorf("%s: tags of %s: %v", url, aws.ToString(p.Name), err)
			continue
		}
		var ts []string
		for _, tag := range tags.TagList {
			ts = append(ts, aws.ToString(tag.Key)+"="+aws.ToString(tag.Value))
		}
		slices.Sort(ts)
		v.parameters[aws.ToString(p.Name)] = fmt.Sprintf("%s %q tags=%v", p.Type, aws.ToString(p.Value), ts)
	}
	mc := smClient(url)
	list, err := mc.ListSecrets(ctx, &secretsmanager.ListSecretsInput{Filters: []smtypes.Filter{{Key: smtypes.FilterNameStringTypeName, Values: []string{"acme/"}}}})
	if err != nil {
		t.Errorf("%s: ListSecrets: %v", url, err)
		return v
	}
	for _, s := range list.SecretList {
		if s.DeletedDate != nil {
			continue
		}
		val, err := mc.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: s.ARN})
		if err != nil {
			t.Errorf("%s: GetSecretValue %s: %v", url, aws.ToString(s.Name), err)
			continue
		}
		var ts []string
		for _, tag := range s.Tags {
			ts = append(ts, aws.ToString(tag.Key)+"="+aws.ToString(tag.Value))
		}
		slices.Sort(ts)
		v.secrets[aws.ToString(s.Name)] = fmt.Sprintf("%q tags=%v", aws.ToString(val.SecretString), ts)
	}
	rc := route53.NewFromConfig(sdkConfig(), func(o *route53.Options) { o.BaseEndpoint = aws.String(url) })
	sets, err := rc.ListResourceRecordSets(ctx, &route53.ListResourceRecordSetsInput{HostedZoneId: aws.String(zoneID)})
	if err != nil {
		t.Errorf("%s: ListResourceRecordSets: %v", url, err)
		return v
	}
	for _, rs := range sets.ResourceRecordSets {
		if rs.Type == r53types.RRTypeSoa || rs.Type == r53types.RRTypeNs {
			continue
		}
		var values []string
		for _, r := range rs.ResourceRecords {
			values = append(values, aws.ToString(r.Value))
		}
		key := fmt.Sprintf("%s %s %s", aws.ToString(rs.Name), rs.Type, aws.ToString(rs.SetIdentifier))
		v.records[key] = fmt.Sprintf("weight=%d ttl=%d health=%q values=%v", aws.ToInt64(rs.Weight), aws.ToInt64(rs.TTL), aws.ToString(rs.HealthCheckId), values)
	}
	return v
}

// motoCreateZone creates a public hosted zone in moto and returns its id
// without the /hostedzone/ prefix.
func motoCreateZone(t *testing.T, url, name string) string {
	t.Helper()
	rc := route53.NewFromConfig(sdkConfig(), func(o *route53.Options) { o.BaseEndpoint = aws.String(url) })
	out, err := rc.CreateHostedZone(context.Background(), &route53.CreateHostedZoneInput{Name: aws.String(name), CallerReference: aws.String("moto-second-opinion")})
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(aws.ToString(out.HostedZone.Id), "/hostedzone/")
}
