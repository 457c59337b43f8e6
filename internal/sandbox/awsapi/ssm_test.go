package awsapi

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/clock"
)

func put(t *testing.T, c *ssm.Client, name, value string, mod ...func(*ssm.PutParameterInput)) (*ssm.PutParameterOutput, error) {
	t.Helper()
	in := &ssm.PutParameterInput{Name: aws.String(name), Value: aws.String(value), Type: ssmtypes.ParameterTypeString}
	for _, m := range mod {
		m(in)
	}
	return c.PutParameter(ctx, in)
}

func overwrite(in *ssm.PutParameterInput) { in.Overwrite = aws.Bool(true) }

func tier(t ssmtypes.ParameterTier) func(*ssm.PutParameterInput) {
	return func(in *ssm.PutParameterInput) { in.Tier = t }
}

func TestSSMPutGet(t *testing.T) {
	t.Parallel()
	clk := clock.NewFake()
	srv, c, _ := start(t, Options{Clock: clk})
	out := must[*ssm.PutParameterOutput](t)(put(t, c, "/acme-api/prod/NODE_ENV", "production"))
	if out.Version != 1 || out.Tier != ssmtypes.ParameterTierStandard {
		t.Errorf("put = %d %s", out.Version, out.Tier)
	}
	clk.Advance(time.Minute)
	out = must[*ssm.PutParameterOutput](t)(put(t, c, "/acme-api/prod/NODE_ENV", "staging", overwrite))
	if out.Version != 2 {
		t.Errorf("overwrite version = %d", out.Version)
	}
	got := must[*ssm.GetParameterOutput](t)(c.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("/acme-api/prod/NODE_ENV")})).Parameter
	if aws.ToString(got.Value) != "staging" || got.Version != 2 || got.Type != ssmtypes.ParameterTypeString ||
		aws.ToString(got.ARN) != "arn:aws:ssm:us-east-1:123456789012:parameter/acme-api/prod/NODE_ENV" ||
		aws.ToString(got.DataType) != "text" || !got.LastModifiedDate.Equal(clk.Now()) {
		t.Errorf("GetParameter = %+v (modified %v)", got, got.LastModifiedDate)
	}

	// A name without slash; "/plain" is the same parameter.
	must[*ssm.PutParameterOutput](t)(put(t, c, "plain", "p", func(in *ssm.PutParameterInput) { in.Type = ssmtypes.ParameterTypeStringList }))
	got = must[*ssm.GetParameterOutput](t)(c.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("/plain")})).Parameter
	if aws.ToString(got.Name) != "plain" || aws.ToString(got.ARN) != "arn:aws:ssm:us-east-1:123456789012:parameter/plain" || got.Type != ssmtypes.ParameterTypeStringList {
		t.Errorf("GetParameter(/plain) = %+v", got)
	}
	_, err := put(t, c, "/plain", "again")
	wantErr[*ssmtypes.ParameterAlreadyExists](t, err)
	wantMessage(t, err, "The parameter already exists.")

	// Omitting Type on overwrite keeps it; a description and pattern stick.
	must[*ssm.PutParameterOutput](t)(put(t, c, "plain", "q", overwrite, func(in *ssm.PutParameterInput) {
		in.Type = ""
		in.Description = aws.String("d")
	}))
	if info, _ := srv.ParameterInfo("plain"); info.Type != "StringList" || info.Description != "d" || info.Version != 2 || info.Value != "q" {
		t.Errorf("ParameterInfo = %+v", info)
	}
	if v, ver, tr, ok := srv.Parameter("/acme-api/prod/NODE_ENV"); !ok || v != "staging" || ver != 2 || tr != TierStandard {
		t.Errorf("Parameter = %q %d %s %v", v, ver, tr, ok)
	}
	if _, _, _, ok := srv.Parameter("/nope"); ok {
		t.Error("Parameter(/nope) found")
	}
	if names := srv.ParameterNames(); !slices.Equal(names, []string{"/acme-api/prod/NODE_ENV", "plain"}) {
		t.Errorf("ParameterNames = %v", names)
	}

	_, err = c.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("/acme-api/prod/MISSING")})
	wantErr[*ssmtypes.ParameterNotFound](t, err)
}

func TestSSMSecureString(t *testing.T) {
	t.Parallel()
	srv, c, _ := start(t, Options{})
	const secret = "postgres://user:hunter2@db/acme"
	must[*ssm.PutParameterOutput](t)(put(t, c, "/app/DATABASE_URL", secret, func(in *ssm.PutParameterInput) { in.Type = ssmtypes.ParameterTypeSecureString }))
	enc := must[*ssm.GetParameterOutput](t)(c.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("/app/DATABASE_URL")})).Parameter
	if v := aws.ToString(enc.Value); v == secret || strings.Contains(v, "hunter2") || len(v) < 100 {
		t.Errorf("value without decryption = %q", v)
	}
	enc2 := must[*ssm.GetParameterOutput](t)(c.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("/app/DATABASE_URL")})).Parameter
	if aws.ToString(enc.Value) != aws.ToString(enc2.Value) {
		t.Error("ciphertext is not stable")
	}
	dec := must[*ssm.GetParameterOutput](t)(c.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("/app/DATABASE_URL"), WithDecryption: aws.Bool(true)})).Parameter
	if aws.ToString(dec.Value) != secret {
		t.Errorf("decrypted = %q", aws.ToString(dec.Value))
	}
	byPath := must[*ssm.GetParametersByPathOutput](t)(c.GetParametersByPath(ctx, &ssm.GetParametersByPathInput{Path: aws.String("/app")}))
	if len(byPath.Parameters) != 1 || aws.ToString(byPath.Parameters[0].Value) == secret {
		t.Errorf("GetParametersByPath without decryption = %+v", byPath.Parameters)
	}

	must[*ssm.PutParameterOutput](t)(put(t, c, "/app/TOKEN", "t", func(in *ssm.PutParameterInput) {
		in.Type = ssmtypes.ParameterTypeSecureString
		in.KeyId = aws.String("alias/acme")
	}))
	desc := must[*ssm.DescribeParametersOutput](t)(c.DescribeParameters(ctx, &ssm.DescribeParametersInput{}))
	keys := map[string]string{}
	for _, p := range desc.Parameters {
		keys[aws.ToString(p.Name)] = aws.ToString(p.KeyId)
	}
	if keys["/app/DATABASE_URL"] != DefaultParameterKeyID || keys["/app/TOKEN"] != "alias/acme" {
		t.Errorf("KeyIds = %v", keys)
	}
	if info, _ := srv.ParameterInfo("/app/TOKEN"); info.KeyID != "alias/acme" || info.Value != "t" {
		t.Errorf("ParameterInfo = %+v", info)
	}

	_, err := put(t, c, "/app/BAD_KEY", "v", func(in *ssm.PutParameterInput) {
		in.Type = ssmtypes.ParameterTypeSecureString
		in.KeyId = aws.String("not-a-key")
	})
	wantErr[*ssmtypes.InvalidKeyId](t, err)
	_, err = put(t, c, "/app/PLAIN_KEY", "v", func(in *ssm.PutParameterInput) { in.KeyId = aws.String("alias/acme") })
	wantErr[*ssmtypes.ValidationException](t, err)
	wantMessage(t, err, "KeyId is required for SecureString type parameter only.")
}

func TestSSMNameRules(t *testing.T) {
	t.Parallel()
	_, c, _ := start(t, Options{})
	deep := "/" + strings.Repeat("l/", 15) + "x" // 16 levels
	ok15 := "/" + strings.Repeat("l/", 14) + "x"
	longest := "/" + strings.Repeat("n", MaxParameterNameARNLength-len("arn:aws:ssm:us-east-1:123456789012:parameter/"))
	for _, c2 := range []struct {
		name string
		want string // "" for success, else the error code
	}{
		{"/acme/prod/DATABASE_URL", ""},
		{"Simple.Name-1_x", ""},
		{"  /trimmed  ", ""},
		{ok15, ""},
		{longest, ""},
		{longest + "n", "ValidationException"},
		{deep, "HierarchyLevelLimitExceededException"},
		{"acme/prod/X", "ValidationException"}, // a path must start with "/"
		{"/acme//X", "ValidationException"},
		{"/acme/X/", "ValidationException"},
		{"/acme/has space", "ValidationException"},
		{"/acme/at@sign", "ValidationException"},
		{"ssm-param", "ValidationException"},
		{"/SSM/x", "ValidationException"},
		{"awsTest", "AccessDeniedException"},
		{"/AWS/test", "AccessDeniedException"},
		{"/", "ValidationException"},
		{strings.Repeat("a", 2049), "ValidationException"},
	} {
		_, err := put(t, c, c2.name, "v")
		switch c2.want {
		case "":
			if err != nil {
				t.Errorf("put %.40q: %v", c2.name, err)
			}
		case "ValidationException":
			wantErr[*ssmtypes.ValidationException](t, err)
			if strings.HasPrefix(c2.name, "ssm") || strings.HasPrefix(c2.name, "/SSM") || strings.Contains(c2.name, "/acme") {
				wantMessage(t, err, msgSSMInvalidName)
			}
		case "AccessDeniedException":
			wantErr[*ssmtypes.AccessDeniedException](t, err)
			wantMessage(t, err, "No access to reserved parameter name: ")
		case "HierarchyLevelLimitExceededException":
			wantErr[*ssmtypes.HierarchyLevelLimitExceededException](t, err)
		}
	}
	// Reads validate the format too, but may name the public aws namespace.
	_, err := c.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("test/parameter")})
	wantErr[*ssmtypes.ValidationException](t, err)
	wantMessage(t, err, msgSSMInvalidName)
	_, err = c.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("/aws/service/ami")})
	wantErr[*ssmtypes.ParameterNotFound](t, err)
	got := must[*ssm.GetParameterOutput](t)(c.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("/trimmed")}))
	if aws.ToString(got.Parameter.Name) != "/trimmed" {
		t.Errorf("trimmed name = %q", aws.ToString(got.Parameter.Name))
	}
}

func TestSSMValidation(t *testing.T) {
	t.Parallel()
	_, c, _ := start(t, Options{})
	_, err := put(t, c, "/a/EMPTY", "")
	wantErr[*ssmtypes.ValidationException](t, err)
	wantMessage(t, err, "Value at 'value' failed to satisfy constraint: Member must have length greater than or equal to 1")

	_, err = put(t, c, "/a/NOTYPE", "v", func(in *ssm.PutParameterInput) { in.Type = "" })
	wantErr[*ssmtypes.ValidationException](t, err)
	wantMessage(t, err, msgSSMTypeRequired)

	_, err = put(t, c, "/a/BADTYPE", "v", func(in *ssm.PutParameterInput) { in.Type = "Number" })
	wantMessage(t, err, "at 'type' failed to satisfy constraint: Member must satisfy enum value set: [String, StringList, SecureString]")

	_, err = put(t, c, "/a/TAGGED", "v", overwrite, func(in *ssm.PutParameterInput) {
		in.Tags = []ssmtypes.Tag{{Key: aws.String("team"), Value: aws.String("core")}}
	})
	wantErr[*ssmtypes.ValidationException](t, err)
	wantMessage(t, err, "tags and overwrite can't be used together")

	must[*ssm.PutParameterOutput](t)(put(t, c, "/a/TYPED", "v"))
	_, err = put(t, c, "/a/TYPED", "v", overwrite, func(in *ssm.PutParameterInput) { in.Type = ssmtypes.ParameterTypeSecureString })
	wantErr[*ssmtypes.HierarchyTypeMismatchException](t, err)

	_, err = put(t, c, "/a/PATTERN", "abc", func(in *ssm.PutParameterInput) { in.AllowedPattern = aws.String("^[0-9]+$") })
	wantErr[*ssmtypes.ParameterPatternMismatchException](t, err)
	_, err = put(t, c, "/a/PATTERN", "abc", func(in *ssm.PutParameterInput) { in.AllowedPattern = aws.String("([") })
	wantErr[*ssmtypes.InvalidAllowedPatternException](t, err)
	must[*ssm.PutParameterOutput](t)(put(t, c, "/a/PATTERN", "123", func(in *ssm.PutParameterInput) { in.AllowedPattern = aws.String("^[0-9]+$") }))

	_, err = put(t, c, "/a/DT", "v", func(in *ssm.PutParameterInput) { in.DataType = aws.String("json") })
	wantErr[*ssmtypes.ValidationException](t, err)
}

func TestSSMTiers(t *testing.T) {
	t.Parallel()
	srv, c, _ := start(t, Options{})
	v4k, v4k1, v8k, v8k1 := strings.Repeat("x", 4096), strings.Repeat("x", 4097), strings.Repeat("x", 8192), strings.Repeat("x", 8193)

	must[*ssm.PutParameterOutput](t)(put(t, c, "/t/std", v4k))
	_, err := put(t, c, "/t/std-big", v4k1)
	wantErr[*ssmtypes.ValidationException](t, err)
	wantMessage(t, err, "Standard tier parameters support a maximum parameter value of 4096 characters.")
	_, err = put(t, c, "/t/std-big", v4k1, tier(ssmtypes.ParameterTierStandard))
	wantMessage(t, err, "Standard tier parameters support a maximum parameter value of 4096 characters.")

	out := must[*ssm.PutParameterOutput](t)(put(t, c, "/t/adv", v8k, tier(ssmtypes.ParameterTierAdvanced)))
	if out.Tier != ssmtypes.ParameterTierAdvanced {
		t.Errorf("tier = %s", out.Tier)
	}
	_, err = put(t, c, "/t/adv-big", v8k1, tier(ssmtypes.ParameterTierAdvanced))
	wantErr[*ssmtypes.ValidationException](t, err)

	// Intelligent-Tiering picks the cheapest tier that fits.
	out = must[*ssm.PutParameterOutput](t)(put(t, c, "/t/it-small", "small", tier(ssmtypes.ParameterTierIntelligentTiering)))
	if out.Tier != ssmtypes.ParameterTierStandard {
		t.Errorf("intelligent small = %s", out.Tier)
	}
	out = must[*ssm.PutParameterOutput](t)(put(t, c, "/t/it-big", v4k1, tier(ssmtypes.ParameterTierIntelligentTiering)))
	if out.Tier != ssmtypes.ParameterTierAdvanced {
		t.Errorf("intelligent big = %s", out.Tier)
	}

	// No way back from Advanced.
	_, err = put(t, c, "/t/adv", "small", overwrite, tier(ssmtypes.ParameterTierStandard))
	wantErr[*ssmtypes.ValidationException](t, err)
	wantMessage(t, err, msgSSMDowngrade)
	out = must[*ssm.PutParameterOutput](t)(put(t, c, "/t/adv", "small", overwrite))
	if out.Tier != ssmtypes.ParameterTierAdvanced || out.Version != 2 {
		t.Errorf("overwrite without tier = %s v%d", out.Tier, out.Version)
	}
	out = must[*ssm.PutParameterOutput](t)(put(t, c, "/t/adv", "small", overwrite, tier(ssmtypes.ParameterTierIntelligentTiering)))
	if out.Tier != ssmtypes.ParameterTierAdvanced {
		t.Errorf("intelligent on advanced = %s", out.Tier)
	}
	// Upgrading is fine.
	out = must[*ssm.PutParameterOutput](t)(put(t, c, "/t/std", v4k1, overwrite, tier(ssmtypes.ParameterTierAdvanced)))
	if out.Tier != ssmtypes.ParameterTierAdvanced {
		t.Errorf("upgrade = %s", out.Tier)
	}
	if _, _, tr, _ := srv.Parameter("/t/std"); tr != TierAdvanced {
		t.Errorf("Parameter tier = %s", tr)
	}
}

func TestSSMParameterLimit(t *testing.T) {
	t.Parallel()
	_, c, _ := start(t, Options{MaxStandardParameters: 3, MaxAdvancedParameters: 1})
	for i := range 3 {
		must[*ssm.PutParameterOutput](t)(put(t, c, fmt.Sprintf("/lim/p%d", i), "v"))
	}
	_, err := put(t, c, "/lim/p3", "v")
	wantErr[*ssmtypes.ParameterLimitExceeded](t, err)
	must[*ssm.PutParameterOutput](t)(put(t, c, "/lim/p0", "w", overwrite)) // an overwrite is no new parameter
	must[*ssm.PutParameterOutput](t)(put(t, c, "/lim/a0", "v", tier(ssmtypes.ParameterTierAdvanced)))
	_, err = put(t, c, "/lim/a1", "v", tier(ssmtypes.ParameterTierAdvanced))
	wantErr[*ssmtypes.ParameterLimitExceeded](t, err)
	must[*ssm.DeleteParameterOutput](t)(c.DeleteParameter(ctx, &ssm.DeleteParameterInput{Name: aws.String("/lim/p1")}))
	must[*ssm.PutParameterOutput](t)(put(t, c, "/lim/p3", "v"))
}

func TestSSMGetParameters(t *testing.T) {
	t.Parallel()
	_, c, _ := start(t, Options{})
	must[*ssm.PutParameterOutput](t)(put(t, c, "/g/A", "a"))
	must[*ssm.PutParameterOutput](t)(put(t, c, "/g/B", "b", func(in *ssm.PutParameterInput) { in.Type = ssmtypes.ParameterTypeSecureString }))
	out := must[*ssm.GetParametersOutput](t)(c.GetParameters(ctx, &ssm.GetParametersInput{
		Names: []string{"/g/A", "/g/B", "/g/MISSING", "bad/name"}, WithDecryption: aws.Bool(true),
	}))
	var got []string
	for _, p := range out.Parameters {
		got = append(got, aws.ToString(p.Name)+"="+aws.ToString(p.Value))
	}
	if !slices.Equal(got, []string{"/g/A=a", "/g/B=b"}) || !slices.Equal(out.InvalidParameters, []string{"/g/MISSING", "bad/name"}) {
		t.Errorf("GetParameters = %v, invalid %v", got, out.InvalidParameters)
	}
	names := make([]string, 11)
	for i := range names {
		names[i] = fmt.Sprintf("/g/N%d", i)
	}
	_, err := c.GetParameters(ctx, &ssm.GetParametersInput{Names: names})
	wantErr[*ssmtypes.ValidationException](t, err)
	wantMessage(t, err, "at 'names' failed to satisfy constraint: Member must have length less than or equal to 10")
}

func TestSSMGetParametersByPath(t *testing.T) {
	t.Parallel()
	_, c, _ := start(t, Options{})
	for i := range 23 {
		must[*ssm.PutParameterOutput](t)(put(t, c, fmt.Sprintf("/app/prod/VAR_%02d", i), "v"))
	}
	must[*ssm.PutParameterOutput](t)(put(t, c, "/app/prod/nested/DEEP", "d", func(in *ssm.PutParameterInput) { in.Type = ssmtypes.ParameterTypeSecureString }))
	must[*ssm.PutParameterOutput](t)(put(t, c, "/app/prodish/OTHER", "o"))
	must[*ssm.PutParameterOutput](t)(put(t, c, "TOPLEVEL", "t"))

	collect := func(in *ssm.GetParametersByPathInput) ([]string, int) {
		t.Helper()
		var names []string
		pages := 0
		p := ssm.NewGetParametersByPathPaginator(c, in)
		for p.HasMorePages() {
			out := must[*ssm.GetParametersByPathOutput](t)(p.NextPage(ctx))
			pages++
			if len(out.Parameters) > 10 {
				t.Errorf("page of %d", len(out.Parameters))
			}
			for _, prm := range out.Parameters {
				names = append(names, aws.ToString(prm.Name))
			}
		}
		return names, pages
	}
	names, pages := collect(&ssm.GetParametersByPathInput{Path: aws.String("/app/prod")})
	if len(names) != 23 || pages != 3 || names[0] != "/app/prod/VAR_00" || !slices.IsSorted(names) {
		t.Errorf("one level: %d names in %d pages: %v", len(names), pages, names)
	}
	names, pages = collect(&ssm.GetParametersByPathInput{Path: aws.String("/app/prod/"), Recursive: aws.Bool(true), MaxResults: aws.Int32(4)})
	if len(names) != 24 || pages != 6 || !slices.Contains(names, "/app/prod/nested/DEEP") || slices.Contains(names, "/app/prodish/OTHER") {
		t.Errorf("recursive: %d names in %d pages", len(names), pages)
	}
	names, _ = collect(&ssm.GetParametersByPathInput{Path: aws.String("/"), Recursive: aws.Bool(true)})
	if len(names) != 25 || slices.Contains(names, "TOPLEVEL") {
		t.Errorf("root: %d names", len(names))
	}
	names, _ = collect(&ssm.GetParametersByPathInput{Path: aws.String("/app"), Recursive: aws.Bool(true), ParameterFilters: []ssmtypes.ParameterStringFilter{
		{Key: aws.String("Type"), Option: aws.String("Equals"), Values: []string{"SecureString"}},
	}})
	if !slices.Equal(names, []string{"/app/prod/nested/DEEP"}) {
		t.Errorf("filtered: %v", names)
	}

	for _, bad := range []struct {
		in   *ssm.GetParametersByPathInput
		want func(error)
	}{
		{&ssm.GetParametersByPathInput{Path: aws.String("/app"), MaxResults: aws.Int32(11)},
			func(err error) { wantErr[*ssmtypes.ValidationException](t, err) }},
		{&ssm.GetParametersByPathInput{Path: aws.String("app")},
			func(err error) {
				wantErr[*ssmtypes.ValidationException](t, err)
				wantMessage(t, err, "must begin with a forward slash")
			}},
		{&ssm.GetParametersByPathInput{Path: aws.String("/app"), NextToken: aws.String("garbage")},
			func(err error) { wantErr[*ssmtypes.InvalidNextToken](t, err) }},
		{&ssm.GetParametersByPathInput{Path: aws.String("/app"), ParameterFilters: []ssmtypes.ParameterStringFilter{{Key: aws.String("Name"), Values: []string{"x"}}}},
			func(err error) { wantErr[*ssmtypes.InvalidFilterKey](t, err) }},
		{&ssm.GetParametersByPathInput{Path: aws.String("/app"), ParameterFilters: []ssmtypes.ParameterStringFilter{{Key: aws.String("Type"), Option: aws.String("Recursive"), Values: []string{"String"}}}},
			func(err error) { wantErr[*ssmtypes.InvalidFilterOption](t, err) }},
		{&ssm.GetParametersByPathInput{Path: aws.String("/app"), ParameterFilters: []ssmtypes.ParameterStringFilter{{Key: aws.String("Type")}}},
			func(err error) { wantErr[*ssmtypes.InvalidFilterValue](t, err) }},
	} {
		_, err := c.GetParametersByPath(ctx, bad.in)
		bad.want(err)
	}
}

func TestSSMDescribeParameters(t *testing.T) {
	t.Parallel()
	_, c, _ := start(t, Options{})
	for i := range 60 {
		must[*ssm.PutParameterOutput](t)(put(t, c, fmt.Sprintf("/d/one/P%02d", i), "v"))
	}
	must[*ssm.PutParameterOutput](t)(put(t, c, "/d/two/deep/Q", "v", tier(ssmtypes.ParameterTierAdvanced), func(in *ssm.PutParameterInput) {
		in.Tags = []ssmtypes.Tag{{Key: aws.String("team"), Value: aws.String("core")}}
		in.Description = aws.String("deep one")
	}))
	describe := func(in *ssm.DescribeParametersInput) []string {
		t.Helper()
		var names []string
		p := ssm.NewDescribeParametersPaginator(c, in)
		for p.HasMorePages() {
			out := must[*ssm.DescribeParametersOutput](t)(p.NextPage(ctx))
			if len(out.Parameters) > 50 {
				t.Errorf("page of %d", len(out.Parameters))
			}
			for _, m := range out.Parameters {
				names = append(names, aws.ToString(m.Name))
			}
		}
		return names
	}
	if n := describe(&ssm.DescribeParametersInput{}); len(n) != 61 {
		t.Errorf("all: %d", len(n))
	}
	first := must[*ssm.DescribeParametersOutput](t)(c.DescribeParameters(ctx, &ssm.DescribeParametersInput{}))
	if len(first.Parameters) != 50 || first.NextToken == nil {
		t.Errorf("default page: %d, next %v", len(first.Parameters), first.NextToken)
	}
	m := first.Parameters[0]
	if aws.ToString(m.ARN) != "arn:aws:ssm:us-east-1:123456789012:parameter/d/one/P00" || m.Version != 1 || m.Tier != ssmtypes.ParameterTierStandard ||
		m.Type != ssmtypes.ParameterTypeString || m.LastModifiedDate == nil || aws.ToString(m.DataType) != "text" || m.KeyId != nil {
		t.Errorf("metadata = %+v", m)
	}
	filter := func(key, option string, values ...string) *ssm.DescribeParametersInput {
		f := ssmtypes.ParameterStringFilter{Key: aws.String(key), Values: values}
		if option != "" {
			f.Option = aws.String(option)
		}
		return &ssm.DescribeParametersInput{ParameterFilters: []ssmtypes.ParameterStringFilter{f}}
	}
	for _, c2 := range []struct {
		in   *ssm.DescribeParametersInput
		want int
	}{
		{filter("Name", "BeginsWith", "/d/one/P1"), 10},
		{filter("Name", "Equals", "/d/one/P05", "d/one/P06"), 2},
		{filter("Name", "Contains", "deep"), 1},
		{filter("Path", "", "/d/one"), 60},
		{filter("Path", "OneLevel", "/d/two"), 0},
		{filter("Path", "Recursive", "/d/two"), 1},
		{filter("Tier", "Equals", "Advanced"), 1},
		{filter("tag:team", "", "core"), 1},
		{filter("tag:team", "", "other"), 0},
		{&ssm.DescribeParametersInput{Filters: []ssmtypes.ParametersFilter{{Key: ssmtypes.ParametersFilterKeyName, Values: []string{"/d/two"}}}}, 1},
	} {
		if got := describe(c2.in); len(got) != c2.want {
			t.Errorf("%+v: %d results, want %d", c2.in.ParameterFilters, len(got), c2.want)
		}
	}
	_, err := c.DescribeParameters(ctx, &ssm.DescribeParametersInput{MaxResults: aws.Int32(51)})
	wantErr[*ssmtypes.ValidationException](t, err)
	_, err = c.DescribeParameters(ctx, filter("Label", "", "x"))
	wantErr[*ssmtypes.InvalidFilterKey](t, err)
	_, err = c.DescribeParameters(ctx, filter("Path", "BeginsWith", "/d"))
	wantErr[*ssmtypes.InvalidFilterOption](t, err)
	_, err = c.DescribeParameters(ctx, filter("Path", "", "d/one"))
	wantErr[*ssmtypes.InvalidFilterValue](t, err)
	_, err = c.DescribeParameters(ctx, &ssm.DescribeParametersInput{NextToken: aws.String(pageToken("ssm-path:/d", "x"))})
	wantErr[*ssmtypes.InvalidNextToken](t, err)
}

func TestSSMDelete(t *testing.T) {
	t.Parallel()
	srv, c, _ := start(t, Options{})
	for _, n := range []string{"/x/A", "/x/B", "/x/C"} {
		must[*ssm.PutParameterOutput](t)(put(t, c, n, "v"))
	}
	must[*ssm.DeleteParameterOutput](t)(c.DeleteParameter(ctx, &ssm.DeleteParameterInput{Name: aws.String("/x/A")}))
	_, err := c.DeleteParameter(ctx, &ssm.DeleteParameterInput{Name: aws.String("/x/A")})
	wantErr[*ssmtypes.ParameterNotFound](t, err)
	_, err = c.DeleteParameter(ctx, &ssm.DeleteParameterInput{Name: aws.String("/aws/x")})
	wantErr[*ssmtypes.AccessDeniedException](t, err)

	out := must[*ssm.DeleteParametersOutput](t)(c.DeleteParameters(ctx, &ssm.DeleteParametersInput{Names: []string{"/x/B", "/x/MISSING", "x/bad", "/x/C"}}))
	if !slices.Equal(out.DeletedParameters, []string{"/x/B", "/x/C"}) || !slices.Equal(out.InvalidParameters, []string{"/x/MISSING", "x/bad"}) {
		t.Errorf("DeleteParameters = %v / %v", out.DeletedParameters, out.InvalidParameters)
	}
	if n := srv.ParameterNames(); len(n) != 0 {
		t.Errorf("left: %v", n)
	}
	_, err = c.DeleteParameters(ctx, &ssm.DeleteParametersInput{Names: make([]string, 11)})
	wantErr[*ssmtypes.ValidationException](t, err)
}

func TestSSMTags(t *testing.T) {
	t.Parallel()
	srv, c, _ := start(t, Options{})
	must[*ssm.PutParameterOutput](t)(put(t, c, "/tg/A", "v", func(in *ssm.PutParameterInput) {
		in.Tags = []ssmtypes.Tag{{Key: aws.String("app"), Value: aws.String("acme")}}
	}))
	must[*ssm.AddTagsToResourceOutput](t)(c.AddTagsToResource(ctx, &ssm.AddTagsToResourceInput{
		ResourceType: ssmtypes.ResourceTypeForTaggingParameter, ResourceId: aws.String("/tg/A"),
		Tags: []ssmtypes.Tag{{Key: aws.String("env"), Value: aws.String("prod")}, {Key: aws.String("app"), Value: aws.String("acme2")}},
	}))
	list := func() map[string]string {
		out := must[*ssm.ListTagsForResourceOutput](t)(c.ListTagsForResource(ctx, &ssm.ListTagsForResourceInput{
			ResourceType: ssmtypes.ResourceTypeForTaggingParameter, ResourceId: aws.String("tg/A"),
		}))
		m := map[string]string{}
		for _, tg := range out.TagList {
			m[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
		}
		return m
	}
	if got := list(); len(got) != 2 || got["app"] != "acme2" || got["env"] != "prod" {
		t.Errorf("tags = %v", got)
	}
	must[*ssm.RemoveTagsFromResourceOutput](t)(c.RemoveTagsFromResource(ctx, &ssm.RemoveTagsFromResourceInput{
		ResourceType: ssmtypes.ResourceTypeForTaggingParameter, ResourceId: aws.String("/tg/A"), TagKeys: []string{"app"},
	}))
	if got := list(); len(got) != 1 || got["env"] != "prod" {
		t.Errorf("tags after remove = %v", got)
	}
	if info, _ := srv.ParameterInfo("/tg/A"); info.Tags["env"] != "prod" {
		t.Errorf("ParameterInfo tags = %v", info.Tags)
	}

	_, err := c.ListTagsForResource(ctx, &ssm.ListTagsForResourceInput{ResourceType: ssmtypes.ResourceTypeForTaggingParameter, ResourceId: aws.String("/tg/NONE")})
	wantErr[*ssmtypes.InvalidResourceId](t, err)
	_, err = c.ListTagsForResource(ctx, &ssm.ListTagsForResourceInput{ResourceType: "Bucket", ResourceId: aws.String("/tg/A")})
	wantErr[*ssmtypes.ValidationException](t, err)
	many := make([]ssmtypes.Tag, 50)
	for i := range many {
		many[i] = ssmtypes.Tag{Key: aws.String(fmt.Sprintf("k%d", i)), Value: aws.String("v")}
	}
	_, err = c.AddTagsToResource(ctx, &ssm.AddTagsToResourceInput{ResourceType: ssmtypes.ResourceTypeForTaggingParameter, ResourceId: aws.String("/tg/A"), Tags: many})
	wantErr[*ssmtypes.TooManyTagsError](t, err)
}

// TestSSMErrorBodies checks the wire shape of an error: __type, message and
// the request ID header.
func TestSSMErrorBodies(t *testing.T) {
	t.Parallel()
	_, url := Start(t, Options{})
	r := rawCall(t, url, "AmazonSSM.PutParameter", sigV4("ssm"), `{"Name":"ssmx","Value":"v","Type":"String"}`)
	if r.status != 400 || r.body["__type"] != "ValidationException" || r.body["message"] != msgSSMInvalidName {
		t.Errorf("%d %v", r.status, r.body)
	}
	if !regexp.MustCompile(`^[0-9a-f-]{36}$`).MatchString(r.header.Get("x-amzn-RequestId")) || r.header.Get("Content-Type") != "application/x-amz-json-1.1" {
		t.Errorf("headers = %v", r.header)
	}
	// The value of a sensitive member never appears in a message.
	r = rawCall(t, url, "AmazonSSM.PutParameter", sigV4("ssm"), `{"Name":"/a","Value":"","Type":"Nope"}`)
	if msg, _ := r.body["message"].(string); !strings.HasPrefix(msg, "2 validation errors detected: ") {
		t.Errorf("message = %q", msg)
	}
}
