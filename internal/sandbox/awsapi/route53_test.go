package awsapi

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"
	"github.com/google/uuid"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/clock"
)

func r53Client(t testing.TB, url string, retry bool) *route53.Client {
	return route53.NewFromConfig(sdkConfig(t, retry), func(o *route53.Options) { o.BaseEndpoint = aws.String(url) })
}

// startR53 runs a sandbox with every quota off and returns a NopRetryer
// Route 53 client.
func startR53(t *testing.T, opts Options) (*Server, *route53.Client) {
	t.Helper()
	srv, url := Start(t, unlimited(opts))
	return srv, r53Client(t, url, false)
}

func createZone(t testing.TB, c *route53.Client, name string) *route53.CreateHostedZoneOutput {
	t.Helper()
	out, err := c.CreateHostedZone(ctx, &route53.CreateHostedZoneInput{Name: aws.String(name), CallerReference: aws.String(uuid.NewString())})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// rr builds a simple record set.
func rr(name string, typ types.RRType, ttl int64, values ...string) *types.ResourceRecordSet {
	set := &types.ResourceRecordSet{Name: aws.String(name), Type: typ, TTL: aws.Int64(ttl)}
	for _, v := range values {
		set.ResourceRecords = append(set.ResourceRecords, types.ResourceRecord{Value: aws.String(v)})
	}
	return set
}

// weighted builds a weighted CNAME.
func weighted(name, id string, weight int64, target string) *types.ResourceRecordSet {
	set := rr(name, types.RRTypeCname, 60, target)
	set.SetIdentifier, set.Weight = aws.String(id), aws.Int64(weight)
	return set
}

func change(action types.ChangeAction, set *types.ResourceRecordSet) types.Change {
	return types.Change{Action: action, ResourceRecordSet: set}
}

func changeBatch(c *route53.Client, zoneID string, changes ...types.Change) (*route53.ChangeResourceRecordSetsOutput, error) {
	return c.ChangeResourceRecordSets(ctx, &route53.ChangeResourceRecordSetsInput{
		HostedZoneId: aws.String(zoneID), ChangeBatch: &types.ChangeBatch{Changes: changes},
	})
}

// listAll lists every record set of a zone with the SDK's paginator.
func listAll(t testing.TB, c *route53.Client, zoneID string, pageSize int32) []types.ResourceRecordSet {
	t.Helper()
	var out []types.ResourceRecordSet
	p := route53.NewListResourceRecordSetsPaginator(c, &route53.ListResourceRecordSetsInput{HostedZoneId: aws.String(zoneID), MaxItems: aws.Int32(pageSize)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page.ResourceRecordSets...)
	}
	return out
}

// wantBatchError checks that err is an InvalidChangeBatch listing msgs.
func wantBatchError(t testing.TB, err error, msgs ...string) {
	t.Helper()
	var icb *types.InvalidChangeBatch
	if !errors.As(err, &icb) {
		t.Fatalf("error = %v (%T), want InvalidChangeBatch %q", err, err, msgs)
	}
	if !slices.Equal(icb.Messages, msgs) {
		t.Fatalf("Messages = %q, want %q", icb.Messages, msgs)
	}
	if want := "[" + strings.Join(msgs, ", ") + "]"; icb.ErrorMessage() != want {
		t.Fatalf("message = %q, want %q", icb.ErrorMessage(), want)
	}
	if s := httpStatus(t, err); s != 400 {
		t.Fatalf("status = %d", s)
	}
}

// wantInvalidInput checks that err is an InvalidInput with message msg.
func wantInvalidInput(t testing.TB, err error, msg string) {
	t.Helper()
	wantErr[*types.InvalidInput](t, err)
	if got := wantCode(t, err, "InvalidInput"); got != msg {
		t.Fatalf("message = %q\n           want %q", got, msg)
	}
}

type xmlErr struct {
	XMLName xml.Name
	Error   struct {
		Type, Code, Message string
	}
	RequestID string `xml:"RequestId"`
}

// rawR53 sends a Route 53 request without the SDK. auth "" sends no
// Authorization header.
func rawR53(t testing.TB, method, url, auth, body string) (int, http.Header, xmlErr, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Amz-Date", "20250101T000000Z")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var e xmlErr
	if err := xml.Unmarshal(data, &e); err != nil {
		t.Fatalf("body is not XML: %v: %s", err, data)
	}
	return resp.StatusCode, resp.Header, e, string(data)
}

func TestRoute53HostedZones(t *testing.T) {
	t.Parallel()
	clk := clock.NewFake()
	srv, c := startR53(t, Options{Clock: clk})

	out, err := c.CreateHostedZone(ctx, &route53.CreateHostedZoneInput{
		Name: aws.String("Acme.COM"), CallerReference: aws.String("ref-1"),
		HostedZoneConfig: &types.HostedZoneConfig{Comment: aws.String("migration")},
	})
	if err != nil {
		t.Fatal(err)
	}
	hz := out.HostedZone
	id := strings.TrimPrefix(aws.ToString(hz.Id), "/hostedzone/")
	if !strings.HasPrefix(aws.ToString(hz.Id), "/hostedzone/Z") || len(id) != 21 || aws.ToString(hz.Name) != "acme.com." ||
		aws.ToString(hz.CallerReference) != "ref-1" || aws.ToString(hz.Config.Comment) != "migration" || hz.Config.PrivateZone ||
		aws.ToInt64(hz.ResourceRecordSetCount) != 2 {
		t.Errorf("HostedZone = %+v", hz)
	}
	if aws.ToString(out.Location) != "https://route53.amazonaws.com/2013-04-01/hostedzone/"+id {
		t.Errorf("Location = %q", aws.ToString(out.Location))
	}
	if !strings.HasPrefix(aws.ToString(out.ChangeInfo.Id), "/change/C") || out.ChangeInfo.Status != types.ChangeStatusPending ||
		!out.ChangeInfo.SubmittedAt.Equal(clk.Now()) {
		t.Errorf("ChangeInfo = %+v", out.ChangeInfo)
	}
	ns := out.DelegationSet.NameServers
	if len(ns) != 4 || !strings.HasSuffix(ns[0], ".com") || !strings.HasSuffix(ns[1], ".net") || !strings.HasSuffix(ns[2], ".org") || !strings.HasSuffix(ns[3], ".co.uk") {
		t.Errorf("NameServers = %q", ns)
	}
	for _, n := range ns {
		var num, group int
		var tld string
		if _, err := fmt.Sscanf(n, "ns-%d.awsdns-%d.%s", &num, &group, &tld); err != nil || group != (num/8)%64 {
			t.Errorf("name server %q", n)
		}
	}

	// The apex holds NS and SOA, in that order.
	sets := listAll(t, c, id, 300)
	if len(sets) != 2 || sets[0].Type != types.RRTypeNs || sets[1].Type != types.RRTypeSoa ||
		aws.ToInt64(sets[0].TTL) != 172800 || aws.ToInt64(sets[1].TTL) != 900 || len(sets[0].ResourceRecords) != 4 ||
		aws.ToString(sets[0].ResourceRecords[0].Value) != ns[0]+"." ||
		aws.ToString(sets[1].ResourceRecords[0].Value) != ns[0]+". awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400" {
		t.Errorf("apex records = %+v", sets)
	}

	// GetHostedZone takes the ID as returned: the SDK strips the prefix.
	got := must[*route53.GetHostedZoneOutput](t)(c.GetHostedZone(ctx, &route53.GetHostedZoneInput{Id: hz.Id}))
	if aws.ToString(got.HostedZone.Name) != "acme.com." || !slices.Equal(got.DelegationSet.NameServers, ns) {
		t.Errorf("GetHostedZone = %+v %+v", got.HostedZone, got.DelegationSet)
	}
	_, err = c.GetHostedZone(ctx, &route53.GetHostedZoneInput{Id: aws.String("Z000000000000000NONE")})
	wantErr[*types.NoSuchHostedZone](t, err)
	if msg := wantCode(t, err, "NoSuchHostedZone"); msg != "No hosted zone found with ID: Z000000000000000NONE" || httpStatus(t, err) != 404 {
		t.Errorf("NoSuchHostedZone: %q %d", msg, httpStatus(t, err))
	}

	// A CallerReference is good for one zone; a zone name for many.
	_, err = c.CreateHostedZone(ctx, &route53.CreateHostedZoneInput{Name: aws.String("other.com"), CallerReference: aws.String("ref-1")})
	wantErr[*types.HostedZoneAlreadyExists](t, err)
	if httpStatus(t, err) != 409 {
		t.Errorf("HostedZoneAlreadyExists status %d", httpStatus(t, err))
	}
	second := createZone(t, c, "acme.com.")
	if aws.ToString(second.HostedZone.Id) == aws.ToString(hz.Id) {
		t.Error("two zones share an ID")
	}
	_, err = c.CreateHostedZone(ctx, &route53.CreateHostedZoneInput{Name: aws.String("bad..com"), CallerReference: aws.String("ref-2")})
	wantErr[*types.InvalidDomainName](t, err)
	_, err = c.CreateHostedZone(ctx, &route53.CreateHostedZoneInput{Name: aws.String("x.com"), CallerReference: aws.String("ref-3"),
		VPC: &types.VPC{VPCId: aws.String("vpc-1"), VPCRegion: types.VPCRegionUsEast1}})
	wantErr[*types.InvalidInput](t, err)
	_, err = c.CreateHostedZone(ctx, &route53.CreateHostedZoneInput{Name: aws.String("x.com"), CallerReference: aws.String("ref-4"), DelegationSetId: aws.String("/delegationset/N1")})
	wantErr[*types.NoSuchDelegationSet](t, err)

	// ListHostedZonesByName sorts by name with the labels reversed, then ID.
	for _, n := range []string{"b.acme.com", "example.org", "a-b.com", "zeta.net"} {
		createZone(t, c, n)
	}
	var names, ids []string
	var input route53.ListHostedZonesByNameInput
	input.MaxItems = aws.Int32(2)
	for pages := 0; ; pages++ {
		page := must[*route53.ListHostedZonesByNameOutput](t)(c.ListHostedZonesByName(ctx, &input))
		if aws.ToInt32(page.MaxItems) != 2 || len(page.HostedZones) > 2 {
			t.Fatalf("page = %+v", page)
		}
		for _, z := range page.HostedZones {
			names = append(names, aws.ToString(z.Name))
			ids = append(ids, aws.ToString(z.Id))
		}
		if !page.IsTruncated {
			break
		}
		input.DNSName, input.HostedZoneId = page.NextDNSName, page.NextHostedZoneId
	}
	if want := []string{"a-b.com.", "acme.com.", "acme.com.", "b.acme.com.", "zeta.net.", "example.org."}; !slices.Equal(names, want) {
		t.Errorf("zones by name = %q, want %q", names, want)
	}
	if ids[1] > ids[2] {
		t.Errorf("same-name zones not sorted by ID: %q", ids)
	}
	page := must[*route53.ListHostedZonesByNameOutput](t)(c.ListHostedZonesByName(ctx, &route53.ListHostedZonesByNameInput{DNSName: aws.String("B.acme.com")}))
	if len(page.HostedZones) != 3 || aws.ToString(page.HostedZones[0].Name) != "b.acme.com." || aws.ToString(page.DNSName) != "b.acme.com." || aws.ToInt32(page.MaxItems) != 100 {
		t.Errorf("from b.acme.com: %+v", page)
	}
	_, err = c.ListHostedZonesByName(ctx, &route53.ListHostedZonesByNameInput{HostedZoneId: hz.Id})
	wantErr[*types.InvalidInput](t, err)

	// ListHostedZones lists in creation order.
	var all []string
	hzPages := route53.NewListHostedZonesPaginator(c, &route53.ListHostedZonesInput{MaxItems: aws.Int32(4)})
	for hzPages.HasMorePages() {
		p := must[*route53.ListHostedZonesOutput](t)(hzPages.NextPage(ctx))
		for _, z := range p.HostedZones {
			all = append(all, strings.TrimPrefix(aws.ToString(z.Id), "/hostedzone/"))
		}
	}
	if !slices.Equal(all, srv.HostedZoneIDs()) || len(all) != 6 || all[0] != id {
		t.Errorf("ListHostedZones = %q, HostedZoneIDs = %q", all, srv.HostedZoneIDs())
	}

	// DeleteHostedZone refuses a zone with records of its own.
	must[*route53.ChangeResourceRecordSetsOutput](t)(changeBatch(c, id, change(types.ChangeActionCreate, rr("www.acme.com", types.RRTypeA, 60, "192.0.2.1"))))
	_, err = c.DeleteHostedZone(ctx, &route53.DeleteHostedZoneInput{Id: hz.Id})
	wantErr[*types.HostedZoneNotEmpty](t, err)
	must[*route53.ChangeResourceRecordSetsOutput](t)(changeBatch(c, id, change(types.ChangeActionDelete, rr("www.acme.com", types.RRTypeA, 60, "192.0.2.1"))))
	del := must[*route53.DeleteHostedZoneOutput](t)(c.DeleteHostedZone(ctx, &route53.DeleteHostedZoneInput{Id: hz.Id}))
	if del.ChangeInfo.Status != types.ChangeStatusPending {
		t.Errorf("DeleteHostedZone: %+v", del.ChangeInfo)
	}
	if _, ok := srv.HostedZone(id); ok {
		t.Error("zone still there")
	}
	_, err = c.DeleteHostedZone(ctx, &route53.DeleteHostedZoneInput{Id: hz.Id})
	wantErr[*types.NoSuchHostedZone](t, err)
	// The CallerReference stays used.
	_, err = c.CreateHostedZone(ctx, &route53.CreateHostedZoneInput{Name: aws.String("acme.com"), CallerReference: aws.String("ref-1")})
	wantErr[*types.HostedZoneAlreadyExists](t, err)
}

// TestRoute53ListOrder: ListResourceRecordSets sorts by name with the
// labels reversed (so "-" sorts before "."), then type, then set
// identifier; names come back lowercase with "*" as \052.
func TestRoute53ListOrder(t *testing.T) {
	t.Parallel()
	srv, c := startR53(t, Options{})
	zoneID := srv.CreateZone("acme.com")
	changes := []types.Change{
		change(types.ChangeActionCreate, rr("WWW.b.Acme.com", types.RRTypeA, 60, "192.0.2.1")),
		change(types.ChangeActionCreate, rr("a.b.acme.com.", types.RRTypeA, 60, "192.0.2.2")),
		change(types.ChangeActionCreate, rr("a-b.acme.com", types.RRTypeTxt, 60, `"v=1"`)),
		change(types.ChangeActionCreate, rr("acme.com", types.RRTypeMx, 300, "10 mx.acme.com.")),
		change(types.ChangeActionCreate, rr("acme.com", types.RRTypeA, 300, "192.0.2.3", "192.0.2.4")),
		change(types.ChangeActionCreate, rr("*.acme.com", types.RRTypeA, 60, "192.0.2.5")),
		change(types.ChangeActionCreate, rr("b.acme.com", types.RRTypeAaaa, 60, "2001:db8::1")),
		change(types.ChangeActionCreate, rr("b.acme.com", types.RRTypeA, 60, "192.0.2.6")),
		change(types.ChangeActionCreate, weighted("api.acme.com", "zulu", 1, "z.example.net")),
		change(types.ChangeActionCreate, weighted("api.acme.com", "alpha", 1, "a.example.net")),
	}
	must[*route53.ChangeResourceRecordSetsOutput](t)(changeBatch(c, zoneID, changes...))
	var got []string
	for _, s := range listAll(t, c, zoneID, 3) {
		got = append(got, fmt.Sprintf("%s %s %s", aws.ToString(s.Name), s.Type, aws.ToString(s.SetIdentifier)))
	}
	want := []string{
		"acme.com. A ", "acme.com. MX ", "acme.com. NS ", "acme.com. SOA ",
		`\052.acme.com. A `,
		"a-b.acme.com. TXT ",
		"api.acme.com. CNAME alpha", "api.acme.com. CNAME zulu",
		"b.acme.com. A ", "b.acme.com. AAAA ",
		"a.b.acme.com. A ", "www.b.acme.com. A ",
	}
	if !slices.Equal(got, want) {
		t.Errorf("order:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var state []string
	for _, s := range srv.RecordSets(zoneID) {
		state = append(state, fmt.Sprintf("%s %s %s", s.Name, s.Type, s.SetIdentifier))
	}
	if !slices.Equal(state, want) {
		t.Errorf("RecordSets order = %q", state)
	}

	// Starting points: a name, a name and type, a name, type and identifier.
	for _, c2 := range []struct {
		name, identifier string
		typ              types.RRType
		first            string
	}{
		{"B.ACME.COM", "", "", "b.acme.com. A "},
		{"b.acme.com", "", types.RRTypeAaaa, "b.acme.com. AAAA "},
		{"api.acme.com", "b", types.RRTypeCname, "api.acme.com. CNAME zulu"},
		{"\\052.acme.com", "", "", `\052.acme.com. A `},
		{"az.b.acme.com", "", "", "www.b.acme.com. A "},
	} {
		in := &route53.ListResourceRecordSetsInput{
			HostedZoneId: aws.String(zoneID), StartRecordName: aws.String(c2.name), StartRecordType: c2.typ, MaxItems: aws.Int32(1),
		}
		if c2.identifier != "" {
			in.StartRecordIdentifier = aws.String(c2.identifier)
		}
		page := must[*route53.ListResourceRecordSetsOutput](t)(c.ListResourceRecordSets(ctx, in))
		if len(page.ResourceRecordSets) != 1 {
			t.Fatalf("from %s: %+v", c2.name, page)
		}
		s := page.ResourceRecordSets[0]
		if got := fmt.Sprintf("%s %s %s", aws.ToString(s.Name), s.Type, aws.ToString(s.SetIdentifier)); got != c2.first || page.IsTruncated != (c2.first != "www.b.acme.com. A ") {
			t.Errorf("from %s/%s/%s: first %q, truncated %v; want %q", c2.name, c2.typ, c2.identifier, got, page.IsTruncated, c2.first)
		}
	}
	_, err := c.ListResourceRecordSets(ctx, &route53.ListResourceRecordSetsInput{HostedZoneId: aws.String(zoneID), StartRecordType: types.RRTypeA})
	wantErr[*types.InvalidInput](t, err)
	_, err = c.ListResourceRecordSets(ctx, &route53.ListResourceRecordSetsInput{HostedZoneId: aws.String(zoneID), StartRecordName: aws.String("a"), StartRecordType: "BOGUS"})
	wantInvalidInput(t, err, "1 validation error detected: Value 'BOGUS' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [SOA, A, TXT, NS, CNAME, MX, NAPTR, PTR, SRV, SPF, AAAA, CAA, DS, TLSA, SSHFP, SVCB, HTTPS]")
	_, err = c.ListResourceRecordSets(ctx, &route53.ListResourceRecordSetsInput{HostedZoneId: aws.String("ZNONE")})
	wantErr[*types.NoSuchHostedZone](t, err)

	// The wildcard can be named either way.
	must[*route53.ChangeResourceRecordSetsOutput](t)(changeBatch(c, zoneID, change(types.ChangeActionDelete, rr(`\052.acme.com.`, types.RRTypeA, 60, "192.0.2.5"))))
}

// TestRoute53Paging: 700 records come back in three pages of at most 300,
// each starting where the previous one said.
func TestRoute53Paging(t *testing.T) {
	t.Parallel()
	srv, c := startR53(t, Options{})
	zoneID := srv.CreateZone("acme.com")
	var changes []types.Change
	for i := range 700 {
		set := weighted(fmt.Sprintf("h%03d.acme.com", i/2), fmt.Sprintf("id%d", i%2), 1, "target.example.net")
		changes = append(changes, change(types.ChangeActionCreate, set))
	}
	must[*route53.ChangeResourceRecordSetsOutput](t)(changeBatch(c, zoneID, changes...))

	var sizes []int
	var all []types.ResourceRecordSet
	in := &route53.ListResourceRecordSetsInput{HostedZoneId: aws.String(zoneID), MaxItems: aws.Int32(1000)}
	for {
		page := must[*route53.ListResourceRecordSetsOutput](t)(c.ListResourceRecordSets(ctx, in))
		sizes = append(sizes, len(page.ResourceRecordSets))
		all = append(all, page.ResourceRecordSets...)
		if !page.IsTruncated {
			if page.NextRecordName != nil || page.NextRecordType != "" {
				t.Errorf("last page has a next record: %+v", page)
			}
			break
		}
		next := page.ResourceRecordSets[len(page.ResourceRecordSets)-1]
		if aws.ToString(page.NextRecordName) == "" || page.NextRecordType != types.RRTypeCname || aws.ToString(page.NextRecordIdentifier) == "" ||
			aws.ToString(page.NextRecordName)+aws.ToString(page.NextRecordIdentifier) == aws.ToString(next.Name)+aws.ToString(next.SetIdentifier) {
			t.Fatalf("next = %s %s %s", aws.ToString(page.NextRecordName), page.NextRecordType, aws.ToString(page.NextRecordIdentifier))
		}
		in.StartRecordName, in.StartRecordType, in.StartRecordIdentifier = page.NextRecordName, page.NextRecordType, page.NextRecordIdentifier
	}
	if !slices.Equal(sizes, []int{300, 300, 102}) || len(all) != 702 {
		t.Fatalf("pages of %v", sizes)
	}
	for i := 2; i < len(all); i++ {
		want := fmt.Sprintf("h%03d.acme.com. id%d", (i-2)/2, (i-2)%2)
		if got := aws.ToString(all[i].Name) + " " + aws.ToString(all[i].SetIdentifier); got != want {
			t.Fatalf("record %d = %s, want %s", i, got, want)
		}
	}
	if got := listAll(t, c, zoneID, 7); len(got) != 702 {
		t.Errorf("paginator: %d records", len(got))
	}
	if page := must[*route53.ListResourceRecordSetsOutput](t)(c.ListResourceRecordSets(ctx, &route53.ListResourceRecordSetsInput{HostedZoneId: aws.String(zoneID)})); len(page.ResourceRecordSets) != 300 || aws.ToInt32(page.MaxItems) != 300 {
		t.Errorf("default page: %d records, MaxItems %d", len(page.ResourceRecordSets), aws.ToInt32(page.MaxItems))
	}
}

// TestRoute53Transactional: a batch whose second change fails changes
// nothing; a batch is applied in order, so DELETE then CREATE turns an A
// into a CNAME.
func TestRoute53Transactional(t *testing.T) {
	t.Parallel()
	srv, c := startR53(t, Options{})
	zoneID := srv.CreateZone("acme.com")
	must[*route53.ChangeResourceRecordSetsOutput](t)(changeBatch(c, zoneID, change(types.ChangeActionCreate, rr("api.acme.com", types.RRTypeA, 60, "192.0.2.1"))))
	before := srv.RecordSets(zoneID)

	_, err := changeBatch(c, zoneID,
		change(types.ChangeActionCreate, rr("new.acme.com", types.RRTypeA, 60, "192.0.2.9")),
		change(types.ChangeActionCreate, rr("api.acme.com", types.RRTypeA, 60, "192.0.2.1")),
	)
	wantBatchError(t, err, "Tried to create resource record set [name='api.acme.com.', type='A'] but it already exists")
	if after := srv.RecordSets(zoneID); len(after) != len(before) {
		t.Fatalf("a failed batch changed the zone: %+v", after)
	}

	// Every failed change is reported.
	_, err = changeBatch(c, zoneID,
		change(types.ChangeActionDelete, rr("gone.acme.com", types.RRTypeA, 60, "192.0.2.1")),
		change(types.ChangeActionCreate, rr("ok.acme.com", types.RRTypeA, 60, "192.0.2.1")),
		change(types.ChangeActionCreate, rr("api.acme.com", types.RRTypeA, 60, "192.0.2.1")),
	)
	wantBatchError(t, err,
		"Tried to delete resource record set [name='gone.acme.com.', type='A'] but it was not found",
		"Tried to create resource record set [name='api.acme.com.', type='A'] but it already exists")

	// Changes apply in order within the batch.
	out := must[*route53.ChangeResourceRecordSetsOutput](t)(changeBatch(c, zoneID,
		change(types.ChangeActionDelete, rr("api.acme.com", types.RRTypeA, 60, "192.0.2.1")),
		change(types.ChangeActionCreate, rr("api.acme.com", types.RRTypeCname, 60, "acme-api.herokudns.com")),
	))
	if out.ChangeInfo.Status != types.ChangeStatusPending || !strings.HasPrefix(aws.ToString(out.ChangeInfo.Id), "/change/C") {
		t.Errorf("ChangeInfo = %+v", out.ChangeInfo)
	}
	sets := srv.RecordSets(zoneID)
	if len(sets) != 3 || sets[2].Name != "api.acme.com." || sets[2].Type != "CNAME" || sets[2].Records[0] != "acme-api.herokudns.com" {
		t.Errorf("after the swap: %+v", sets)
	}

	// The limit counts ResourceRecord elements, UPSERTs twice.
	var big []types.Change
	for i := range 500 {
		big = append(big, change(types.ChangeActionUpsert, rr(fmt.Sprintf("u%d.acme.com", i), types.RRTypeA, 60, "192.0.2.1")))
	}
	must[*route53.ChangeResourceRecordSetsOutput](t)(changeBatch(c, zoneID, big...))
	big = append(big, change(types.ChangeActionUpsert, rr("u500.acme.com", types.RRTypeA, 60, "192.0.2.1")))
	_, err = changeBatch(c, zoneID, big...)
	wantBatchError(t, err, "Number of records limit of 1000 exceeded.")
	var long []types.Change
	for i := range 10 {
		long = append(long, change(types.ChangeActionCreate, rr(fmt.Sprintf("t%d.acme.com", i), types.RRTypeTxt, 60, `"`+strings.Repeat("x", 3500)+`"`)))
	}
	_, err = changeBatch(c, zoneID, long...)
	wantBatchError(t, err, "Number of characters limit of 32000 exceeded.")

	_, err = changeBatch(c, "ZNONE", change(types.ChangeActionCreate, rr("a.acme.com", types.RRTypeA, 60, "192.0.2.1")))
	wantErr[*types.NoSuchHostedZone](t, err)
	if httpStatus(t, err) != 404 {
		t.Errorf("NoSuchHostedZone status %d", httpStatus(t, err))
	}
}

// TestRoute53BatchErrors: each rule of ChangeResourceRecordSets, with
// Route 53's texts, as the SDK decodes them.
func TestRoute53BatchErrors(t *testing.T) {
	t.Parallel()
	srv, c := startR53(t, Options{})
	zoneID := srv.CreateZone("acme.com")
	otherZone := srv.CreateZone("example.org")
	must[*route53.ChangeResourceRecordSetsOutput](t)(changeBatch(c, zoneID,
		change(types.ChangeActionCreate, weighted("api.acme.com", "aws", 10, "alb-1.us-east-1.elb.amazonaws.com")),
		change(types.ChangeActionCreate, rr("www.acme.com", types.RRTypeA, 300, "192.0.2.1")),
		change(types.ChangeActionCreate, rr("mail.acme.com", types.RRTypeCname, 300, "mx.example.net")),
	))
	must[*route53.ChangeResourceRecordSetsOutput](t)(changeBatch(c, otherZone,
		change(types.ChangeActionCreate, rr("app.example.org", types.RRTypeA, 300, "192.0.2.7")),
	))

	alias := func(name string, typ types.RRType, zone, target string) *types.ResourceRecordSet {
		return &types.ResourceRecordSet{Name: aws.String(name), Type: typ, AliasTarget: &types.AliasTarget{
			HostedZoneId: aws.String(zone), DNSName: aws.String(target), EvaluateTargetHealth: false,
		}}
	}
	staleTTL := weighted("api.acme.com", "aws", 10, "alb-1.us-east-1.elb.amazonaws.com")
	staleTTL.TTL = aws.Int64(300)
	wrongTarget := weighted("api.acme.com", "aws", 10, "alb-2.us-east-1.elb.amazonaws.com")
	wrongWeight := weighted("api.acme.com", "aws", 20, "alb-1.us-east-1.elb.amazonaws.com")

	for _, tc := range []struct {
		name   string
		change types.Change
		msg    string
	}{
		{"create existing", change(types.ChangeActionCreate, weighted("api.acme.com", "aws", 10, "x.example.net")),
			"Tried to create resource record set [name='api.acme.com.', type='CNAME', set-identifier='aws'] but it already exists"},
		{"delete stale TTL", change(types.ChangeActionDelete, staleTTL),
			"Tried to delete resource record set [name='api.acme.com.', type='CNAME', set-identifier='aws'] but the values provided do not match the current values"},
		{"delete stale value", change(types.ChangeActionDelete, wrongTarget),
			"Tried to delete resource record set [name='api.acme.com.', type='CNAME', set-identifier='aws'] but the values provided do not match the current values"},
		{"delete stale weight", change(types.ChangeActionDelete, wrongWeight),
			"Tried to delete resource record set [name='api.acme.com.', type='CNAME', set-identifier='aws'] but the values provided do not match the current values"},
		{"delete missing", change(types.ChangeActionDelete, weighted("api.acme.com", "heroku", 90, "x.herokudns.com")),
			"Tried to delete resource record set [name='api.acme.com.', type='CNAME', set-identifier='heroku'] but it was not found"},
		{"delete missing simple", change(types.ChangeActionDelete, rr("nope.acme.com", types.RRTypeA, 60, "192.0.2.1")),
			"Tried to delete resource record set [name='nope.acme.com.', type='A'] but it was not found"},
		{"CNAME at apex", change(types.ChangeActionCreate, rr("acme.com", types.RRTypeCname, 60, "acme.herokudns.com")),
			"RRSet of type CNAME with DNS name acme.com. is not permitted at apex in zone acme.com."},
		{"CNAME beside A", change(types.ChangeActionUpsert, rr("www.acme.com", types.RRTypeCname, 60, "acme.herokudns.com")),
			"RRSet of type CNAME with DNS name www.acme.com. is not permitted as it conflicts with other records with the same DNS name in zone acme.com."},
		{"TXT beside CNAME", change(types.ChangeActionCreate, rr("mail.acme.com", types.RRTypeTxt, 60, `"v=spf1 -all"`)),
			"RRSet of type TXT with DNS name mail.acme.com. is not permitted because a conflicting RRSet of type CNAME with the same DNS name already exists in zone acme.com."},
		{"simple beside weighted", change(types.ChangeActionCreate, rr("api.acme.com", types.RRTypeCname, 60, "acme-api.herokudns.com")),
			"RRSet with DNS name api.acme.com., type CNAME cannot be created as weighted sets exist with the same name and type."},
		{"weighted beside simple", change(types.ChangeActionCreate, func() *types.ResourceRecordSet {
			s := rr("www.acme.com", types.RRTypeA, 60, "192.0.2.2")
			s.SetIdentifier, s.Weight = aws.String("aws"), aws.Int64(1)
			return s
		}()), "RRSet with DNS name www.acme.com., type A, SetIdentifier aws cannot be created as a non-weighted set exists with the same name and type."},
		{"latency beside weighted", change(types.ChangeActionCreate, func() *types.ResourceRecordSet {
			s := rr("api.acme.com", types.RRTypeCname, 60, "x.example.net")
			s.SetIdentifier, s.Region = aws.String("use1"), types.ResourceRecordSetRegionUsEast1
			return s
		}()), "RRSet with DNS name api.acme.com., type CNAME, SetIdentifier use1 cannot be created as a non-latency set exists with the same name and type."},
		{"outside the zone", change(types.ChangeActionCreate, rr("api.example.org", types.RRTypeA, 60, "192.0.2.1")),
			"RRSet with DNS name api.example.org. is not permitted in zone acme.com."},
		{"bad IPv4", change(types.ChangeActionCreate, rr("v4.acme.com", types.RRTypeA, 60, "192.0.2.300")),
			"Invalid Resource Record: 'FATAL problem: ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address) encountered with '192.0.2.300''"},
		{"hostname in A", change(types.ChangeActionCreate, rr("v4.acme.com", types.RRTypeA, 60, "alb-1.elb.amazonaws.com")),
			"Invalid Resource Record: 'FATAL problem: ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address) encountered with 'alb-1.elb.amazonaws.com''"},
		{"bad IPv6", change(types.ChangeActionCreate, rr("v6.acme.com", types.RRTypeAaaa, 60, "192.0.2.1")),
			"Invalid Resource Record: 'FATAL problem: AAAARRDATAIllegalIPv6Address (Value is not a valid IPv6 address) encountered with '192.0.2.1''"},
		{"unquoted TXT", change(types.ChangeActionCreate, rr("txt.acme.com", types.RRTypeTxt, 60, "v=spf1")),
			"Invalid Resource Record: 'FATAL problem: InvalidCharacterString (Value should be enclosed in quotation marks) encountered with 'v=spf1''"},
		{"duplicate value", change(types.ChangeActionCreate, rr("dup.acme.com", types.RRTypeA, 60, "192.0.2.1", "192.0.2.1")),
			"Duplicate Resource Record: '192.0.2.1'"},
		{"two CNAME values", change(types.ChangeActionCreate, rr("two.acme.com", types.RRTypeCname, 60, "a.example.net", "b.example.net")),
			"RRSet of type CNAME with DNS name two.acme.com. has more than one value; a CNAME record set holds exactly one"},
		{"empty label", change(types.ChangeActionCreate, rr("a..acme.com", types.RRTypeA, 60, "192.0.2.1")),
			"FATAL problem: DomainLabelEmpty (Domain label is empty) encountered with 'a..acme.com'"},
		{"delete apex NS", change(types.ChangeActionDelete, func() *types.ResourceRecordSet {
			for _, s := range srv.RecordSets(zoneID) {
				if s.Type == "NS" {
					return rr(s.Name, types.RRTypeNs, s.TTL, s.Records...)
				}
			}
			return nil
		}()), "A HostedZone must contain at least one NS record for the zone itself."},
		{"create apex SOA", change(types.ChangeActionCreate, rr("acme.com", types.RRTypeSoa, 60, "ns. host. 1 2 3 4 5")),
			"Tried to create resource record set [name='acme.com.', type='SOA'] but it already exists"},
		{"alias target missing", change(types.ChangeActionCreate, alias("a.acme.com", types.RRTypeA, otherZone, "missing.example.org")),
			"Tried to create an alias that targets missing.example.org., type A in zone " + otherZone + ", but that target was not found"},
		{"alias target outside its zone", change(types.ChangeActionCreate, alias("a.acme.com", types.RRTypeA, otherZone, "app.example.com")),
			"Tried to create an alias that targets app.example.com., type A in zone " + otherZone + ", but the alias target name does not lie within the target zone"},
		{"alias type mismatch", change(types.ChangeActionCreate, alias("a.acme.com", types.RRTypeAaaa, otherZone, "app.example.org")),
			"Tried to create an alias that targets app.example.org., type AAAA in zone " + otherZone + ", but that target was not found"},
	} {
		_, err := changeBatch(c, zoneID, tc.change)
		if err == nil {
			t.Errorf("%s: accepted", tc.name)
			continue
		}
		var icb *types.InvalidChangeBatch
		if !errors.As(err, &icb) || len(icb.Messages) != 1 || icb.Messages[0] != tc.msg {
			t.Errorf("%s:\n got %v\nwant %s", tc.name, err, tc.msg)
		}
	}

	// Accepted: aliases to the sandbox's zones and to anything else, an
	// UPSERT of the apex NS, differing TTLs within a weighted set.
	must[*route53.ChangeResourceRecordSetsOutput](t)(changeBatch(c, zoneID,
		change(types.ChangeActionCreate, alias("a.acme.com", types.RRTypeA, otherZone, "APP.example.org")),
		change(types.ChangeActionCreate, alias("acme.com", types.RRTypeA, "Z35SXDOTRQ7X7K", "dualstack.alb-1.us-east-1.elb.amazonaws.com")),
		change(types.ChangeActionCreate, alias("w.acme.com", types.RRTypeA, zoneID, "www.acme.com")),
		change(types.ChangeActionCreate, func() *types.ResourceRecordSet {
			s := weighted("api.acme.com", "heroku", 90, "acme-api.herokudns.com")
			s.TTL = aws.Int64(300)
			return s
		}()),
	))
	sets := srv.RecordSets(zoneID)
	var apexAlias *RecordSetState
	for i := range sets {
		if sets[i].Name == "acme.com." && sets[i].Type == "A" {
			apexAlias = &sets[i]
		}
	}
	if apexAlias == nil || apexAlias.TTL != 0 || apexAlias.Alias == nil || *apexAlias.Alias != (AliasState{HostedZoneID: "Z35SXDOTRQ7X7K", DNSName: "dualstack.alb-1.us-east-1.elb.amazonaws.com."}) {
		t.Errorf("apex alias = %+v", apexAlias)
	}
	// An alias must be deleted as it is.
	_, err := changeBatch(c, zoneID, change(types.ChangeActionDelete, func() *types.ResourceRecordSet {
		s := alias("acme.com", types.RRTypeA, "Z35SXDOTRQ7X7K", "dualstack.alb-1.us-east-1.elb.amazonaws.com")
		s.AliasTarget.EvaluateTargetHealth = true
		return s
	}()))
	wantBatchError(t, err, "Tried to delete resource record set [name='acme.com.', type='A'] but the values provided do not match the current values")
	must[*route53.ChangeResourceRecordSetsOutput](t)(changeBatch(c, zoneID, change(types.ChangeActionDelete,
		alias("ACME.com.", types.RRTypeA, "Z35SXDOTRQ7X7K", "dualstack.alb-1.us-east-1.elb.amazonaws.com."))))
}

// TestRoute53InvalidInput: the request validation Route 53 does before it
// looks at the zone, answered as InvalidInput.
func TestRoute53InvalidInput(t *testing.T) {
	t.Parallel()
	srv, url := Start(t, unlimited(Options{}))
	c := r53Client(t, url, false)
	zoneID := srv.CreateZone("acme.com")
	heavy := weighted("api.acme.com", "aws", 300, "x.example.net")
	noID := rr("api.acme.com", types.RRTypeCname, 60, "x.example.net")
	noID.Weight = aws.Int64(10)
	noPolicy := rr("api.acme.com", types.RRTypeCname, 60, "x.example.net")
	noPolicy.SetIdentifier = aws.String("aws")
	twoPolicies := weighted("api.acme.com", "aws", 10, "x.example.net")
	twoPolicies.Region = types.ResourceRecordSetRegionUsEast1
	aliasTTL := &types.ResourceRecordSet{Name: aws.String("api.acme.com"), Type: types.RRTypeA, TTL: aws.Int64(60),
		AliasTarget: &types.AliasTarget{HostedZoneId: aws.String("Z35SXDOTRQ7X7K"), DNSName: aws.String("alb.elb.amazonaws.com")}}
	bare := &types.ResourceRecordSet{Name: aws.String("api.acme.com."), Type: types.RRTypeA}
	ttlOnly := &types.ResourceRecordSet{Name: aws.String("api.acme.com."), Type: types.RRTypeA, TTL: aws.Int64(60)}

	for _, tc := range []struct {
		name    string
		changes []types.Change
		msg     string
	}{
		{"weight 300", []types.Change{change(types.ChangeActionCreate, heavy)},
			"1 validation error detected: Value '300' at 'changeBatch.changes.1.member.resourceRecordSet.weight' failed to satisfy constraint: Member must have value less than or equal to 255"},
		{"weight without SetIdentifier", []types.Change{change(types.ChangeActionCreate, noID)},
			"Invalid request: Missing field 'SetIdentifier' in Change with [Action=CREATE, Name=api.acme.com, Type=CNAME, SetIdentifier=null]"},
		{"SetIdentifier without policy", []types.Change{change(types.ChangeActionUpsert, noPolicy)},
			"Invalid request: Expected exactly one of [Weight, Region, Failover, GeoLocation, MultiValueAnswer, GeoProximityLocation, or CidrRoutingConfig], but found none in Change with [Action=UPSERT, Name=api.acme.com, Type=CNAME, SetIdentifier=aws]"},
		{"two policies", []types.Change{change(types.ChangeActionCreate, twoPolicies)},
			"Invalid request: Expected exactly one of [Weight, Region, Failover, GeoLocation, MultiValueAnswer, GeoProximityLocation, or CidrRoutingConfig], but found more than one in Change with [Action=CREATE, Name=api.acme.com, Type=CNAME, SetIdentifier=aws]"},
		{"alias with TTL", []types.Change{change(types.ChangeActionCreate, aliasTTL)},
			"Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found more than one in Change with [Action=CREATE, Name=api.acme.com, Type=A, SetIdentifier=null]"},
		{"no values", []types.Change{change(types.ChangeActionCreate, bare)},
			"Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found none in Change with [Action=CREATE, Name=api.acme.com., Type=A, SetIdentifier=null]"},
		{"TTL only", []types.Change{change(types.ChangeActionDelete, ttlOnly)},
			"Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found none in Change with [Action=DELETE, Name=api.acme.com., Type=A, SetIdentifier=null]"},
		{"bad action and type", []types.Change{change("REPLACE", rr("a.acme.com", "BOGUS", -1, "x"))},
			"3 validation errors detected: Value 'REPLACE' at 'changeBatch.changes.1.member.action' failed to satisfy constraint: Member must satisfy enum value set: [CREATE, DELETE, UPSERT]; " +
				"Value 'BOGUS' at 'changeBatch.changes.1.member.resourceRecordSet.type' failed to satisfy constraint: Member must satisfy enum value set: [SOA, A, TXT, NS, CNAME, MX, NAPTR, PTR, SRV, SPF, AAAA, CAA, DS, TLSA, SSHFP, SVCB, HTTPS]; " +
				"Value '-1' at 'changeBatch.changes.1.member.resourceRecordSet.tTL' failed to satisfy constraint: Member must have value greater than or equal to 0"},
	} {
		_, err := changeBatch(c, zoneID, tc.changes...)
		if err == nil {
			t.Errorf("%s: accepted", tc.name)
			continue
		}
		var ii *types.InvalidInput
		if !errors.As(err, &ii) || ii.ErrorMessage() != tc.msg || httpStatus(t, err) != 400 {
			t.Errorf("%s:\n got %v\nwant %s", tc.name, err, tc.msg)
		}
	}
	// The SDK refuses an empty batch itself; a raw request gets the
	// validator's answer.
	status, _, e, _ := rawR53(t, http.MethodPost, url+"/2013-04-01/hostedzone/"+zoneID+"/rrset/", sigV4("route53"),
		`<ChangeResourceRecordSetsRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><ChangeBatch><Changes/></ChangeBatch></ChangeResourceRecordSetsRequest>`)
	if status != 400 || e.Error.Code != "InvalidInput" || !strings.Contains(e.Error.Message, "'changeBatch.changes'") {
		t.Errorf("empty batch: %d %+v", status, e)
	}
	for body, code := range map[string]string{
		`<ChangeResourceRecordSetsRequest><ChangeBatch>`: "MalformedInput",
		`<ChangeBatch/>`: "MalformedInput",
		`<ChangeResourceRecordSetsRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/"/>`: "InvalidInput",
		`<ChangeResourceRecordSetsRequest><ChangeBatch><Changes><Change><Action>CREATE</Action><ResourceRecordSet><Name>a.acme.com</Name><Type>A</Type><TTL>x</TTL></ResourceRecordSet></Change></Changes></ChangeBatch></ChangeResourceRecordSetsRequest>`: "InvalidInput",
	} {
		status, _, e, _ := rawR53(t, http.MethodPost, url+"/2013-04-01/hostedzone/"+zoneID+"/rrset", sigV4("route53"), body)
		if status != 400 || e.Error.Code != code || e.Error.Type != "Sender" {
			t.Errorf("%s: %d %+v, want %s", body, status, e, code)
		}
	}
	if len(srv.RecordSets(zoneID)) != 2 {
		t.Errorf("invalid requests changed the zone: %+v", srv.RecordSets(zoneID))
	}
}

// TestRoute53WeightedPair is the cutover: a Heroku/AWS pair of weighted
// CNAMEs created in one batch, shifted with UPSERTs, then removed with
// exact DELETEs.
func TestRoute53WeightedPair(t *testing.T) {
	t.Parallel()
	srv, c := startR53(t, Options{})
	zoneID := srv.CreateZone("acme.com")
	heroku := func(w int64) *types.ResourceRecordSet {
		return weighted("api.acme.com", "heroku", w, "acme-api.herokudns.com")
	}
	awsSide := func(w int64) *types.ResourceRecordSet {
		return weighted("api.acme.com", "aws", w, "alb-1.us-east-1.elb.amazonaws.com")
	}
	must[*route53.ChangeResourceRecordSetsOutput](t)(changeBatch(c, zoneID,
		change(types.ChangeActionCreate, heroku(90)), change(types.ChangeActionCreate, awsSide(10))))
	weights := func() map[string]int64 {
		out := map[string]int64{}
		for _, s := range srv.RecordSets(zoneID) {
			if s.Name == "api.acme.com." {
				out[s.SetIdentifier] = *s.Weight
				if s.TTL != 60 || s.Type != "CNAME" || len(s.Records) != 1 {
					t.Errorf("record set %+v", s)
				}
			}
		}
		return out
	}
	if w := weights(); w["heroku"] != 90 || w["aws"] != 10 || len(w) != 2 {
		t.Fatalf("weights %v", w)
	}
	listed := listAll(t, c, zoneID, 300)
	if len(listed) != 4 || aws.ToString(listed[2].SetIdentifier) != "aws" || aws.ToInt64(listed[2].Weight) != 10 ||
		aws.ToString(listed[2].ResourceRecords[0].Value) != "alb-1.us-east-1.elb.amazonaws.com" ||
		aws.ToString(listed[3].SetIdentifier) != "heroku" || aws.ToInt64(listed[3].Weight) != 90 {
		t.Errorf("listed %+v", listed)
	}
	for _, step := range [][2]int64{{50, 50}, {0, 255}, {0, 0}} {
		must[*route53.ChangeResourceRecordSetsOutput](t)(changeBatch(c, zoneID,
			change(types.ChangeActionUpsert, heroku(step[0])), change(types.ChangeActionUpsert, awsSide(step[1]))))
		if w := weights(); w["heroku"] != step[0] || w["aws"] != step[1] {
			t.Fatalf("after UPSERT %v: %v", step, w)
		}
	}
	// A DELETE must match exactly: the old weight does not.
	_, err := changeBatch(c, zoneID, change(types.ChangeActionDelete, heroku(90)), change(types.ChangeActionDelete, awsSide(0)))
	wantBatchError(t, err, "Tried to delete resource record set [name='api.acme.com.', type='CNAME', set-identifier='heroku'] but the values provided do not match the current values")
	must[*route53.ChangeResourceRecordSetsOutput](t)(changeBatch(c, zoneID,
		change(types.ChangeActionDelete, heroku(0)), change(types.ChangeActionDelete, awsSide(0))))
	if w := weights(); len(w) != 0 {
		t.Errorf("left %v", w)
	}
}

// TestRoute53ChangeSync: a change is PENDING until Route53SyncDelay has
// passed on Options.Clock, then INSYNC.
func TestRoute53ChangeSync(t *testing.T) {
	t.Parallel()
	clk := clock.NewFake()
	srv, c := startR53(t, Options{Clock: clk, Route53SyncDelay: time.Minute})
	zoneID := srv.CreateZone("acme.com")
	out := must[*route53.ChangeResourceRecordSetsOutput](t)(c.ChangeResourceRecordSets(ctx, &route53.ChangeResourceRecordSetsInput{
		HostedZoneId: aws.String(zoneID), ChangeBatch: &types.ChangeBatch{Comment: aws.String("cutover step 1"),
			Changes: []types.Change{change(types.ChangeActionCreate, rr("a.acme.com", types.RRTypeA, 60, "192.0.2.1"))}},
	}))
	id := out.ChangeInfo.Id
	if out.ChangeInfo.Status != types.ChangeStatusPending || !out.ChangeInfo.SubmittedAt.Equal(clk.Now()) || aws.ToString(out.ChangeInfo.Comment) != "cutover step 1" {
		t.Errorf("ChangeInfo = %+v", out.ChangeInfo)
	}
	status := func() types.ChangeStatus {
		got := must[*route53.GetChangeOutput](t)(c.GetChange(ctx, &route53.GetChangeInput{Id: id}))
		if aws.ToString(got.ChangeInfo.Id) != aws.ToString(id) || aws.ToString(got.ChangeInfo.Comment) != "cutover step 1" {
			t.Errorf("GetChange = %+v", got.ChangeInfo)
		}
		return got.ChangeInfo.Status
	}
	if s := status(); s != types.ChangeStatusPending {
		t.Errorf("at once: %s", s)
	}
	clk.Advance(time.Minute - time.Millisecond)
	if s := status(); s != types.ChangeStatusPending {
		t.Errorf("after 59.999s: %s", s)
	}
	clk.Advance(time.Millisecond)
	if s := status(); s != types.ChangeStatusInsync {
		t.Errorf("after 60s: %s", s)
	}
	if s, ok := srv.ChangeStatus(aws.ToString(id)); !ok || s != ChangeStatusInsync {
		t.Errorf("ChangeStatus = %s %v", s, ok)
	}

	// Zone creation is a change too.
	created := createZone(t, c, "example.org")
	if got := must[*route53.GetChangeOutput](t)(c.GetChange(ctx, &route53.GetChangeInput{Id: created.ChangeInfo.Id})); got.ChangeInfo.Status != types.ChangeStatusPending {
		t.Errorf("new zone's change: %+v", got.ChangeInfo)
	}

	// Without a delay, a change is INSYNC as soon as it is submitted
	// (though the submitting answer says PENDING).
	srv.SetRoute53SyncDelay(0)
	out = must[*route53.ChangeResourceRecordSetsOutput](t)(changeBatch(c, zoneID, change(types.ChangeActionCreate, rr("b.acme.com", types.RRTypeA, 60, "192.0.2.1"))))
	if out.ChangeInfo.Status != types.ChangeStatusPending {
		t.Errorf("submitting answer: %s", out.ChangeInfo.Status)
	}
	if got := must[*route53.GetChangeOutput](t)(c.GetChange(ctx, &route53.GetChangeInput{Id: out.ChangeInfo.Id})); got.ChangeInfo.Status != types.ChangeStatusInsync {
		t.Errorf("no delay: %s", got.ChangeInfo.Status)
	}

	_, err := c.GetChange(ctx, &route53.GetChangeInput{Id: aws.String("/change/C0000000000000000NONE")})
	wantErr[*types.NoSuchChange](t, err)
	if httpStatus(t, err) != 404 {
		t.Errorf("NoSuchChange status %d", httpStatus(t, err))
	}
}

// TestRoute53Waiter: the SDK's ResourceRecordSetsChanged waiter sees the
// change go INSYNC.
func TestRoute53Waiter(t *testing.T) {
	t.Parallel()
	srv, c := startR53(t, Options{Route53SyncDelay: 100 * time.Millisecond})
	zoneID := srv.CreateZone("acme.com")
	out := must[*route53.ChangeResourceRecordSetsOutput](t)(changeBatch(c, zoneID, change(types.ChangeActionCreate, rr("a.acme.com", types.RRTypeA, 60, "192.0.2.1"))))
	w := route53.NewResourceRecordSetsChangedWaiter(c, func(o *route53.ResourceRecordSetsChangedWaiterOptions) {
		o.MinDelay, o.MaxDelay = 10*time.Millisecond, 50*time.Millisecond
	})
	begin := time.Now()
	if err := w.Wait(ctx, &route53.GetChangeInput{Id: out.ChangeInfo.Id}, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(begin); d < 90*time.Millisecond {
		t.Errorf("INSYNC after %v, before the 100ms delay", d)
	}
}
