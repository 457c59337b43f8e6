package awsapi

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/clock"
)

var secretARN = regexp.MustCompile(`^arn:aws:secretsmanager:us-east-1:123456789012:secret:(.+)-[A-Za-z0-9]{6}$`)

func createSecret(t *testing.T, c *secretsmanager.Client, name, value string) *secretsmanager.CreateSecretOutput {
	t.Helper()
	return must[*secretsmanager.CreateSecretOutput](t)(c.CreateSecret(ctx, &secretsmanager.CreateSecretInput{
		Name: aws.String(name), SecretString: aws.String(value),
	}))
}

func TestSecretsLifecycle(t *testing.T) {
	t.Parallel()
	clk := clock.NewFake()
	srv, _, c := start(t, Options{Clock: clk})
	created := must[*secretsmanager.CreateSecretOutput](t)(c.CreateSecret(ctx, &secretsmanager.CreateSecretInput{
		Name: aws.String("acme-api/prod"), SecretString: aws.String(`{"A":"1"}`), Description: aws.String("config"),
		Tags: []smtypes.Tag{{Key: aws.String("app"), Value: aws.String("acme")}},
	}))
	arn := aws.ToString(created.ARN)
	if m := secretARN.FindStringSubmatch(arn); m == nil || m[1] != "acme-api/prod" || aws.ToString(created.Name) != "acme-api/prod" {
		t.Fatalf("ARN = %q", arn)
	}
	v1 := aws.ToString(created.VersionId)
	if len(v1) != 36 {
		t.Errorf("VersionId = %q (the SDK fills ClientRequestToken with a UUID)", v1)
	}

	// By name, complete ARN and partial ARN.
	for _, id := range []string{"acme-api/prod", arn, strings.TrimSuffix(arn, arn[len(arn)-7:])} {
		got := must[*secretsmanager.GetSecretValueOutput](t)(c.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(id)}))
		if aws.ToString(got.SecretString) != `{"A":"1"}` || aws.ToString(got.ARN) != arn || aws.ToString(got.VersionId) != v1 ||
			!slices.Equal(got.VersionStages, []string{"AWSCURRENT"}) || !got.CreatedDate.Equal(clk.Now()) {
			t.Errorf("GetSecretValue(%s) = %+v", id, got)
		}
	}

	clk.Advance(time.Hour)
	put := must[*secretsmanager.PutSecretValueOutput](t)(c.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{
		SecretId: aws.String("acme-api/prod"), SecretString: aws.String(`{"A":"2"}`),
	}))
	v2 := aws.ToString(put.VersionId)
	if v2 == v1 || !slices.Equal(put.VersionStages, []string{"AWSCURRENT"}) {
		t.Errorf("PutSecretValue = %+v", put)
	}
	prev := must[*secretsmanager.GetSecretValueOutput](t)(c.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{
		SecretId: aws.String(arn), VersionStage: aws.String("AWSPREVIOUS"),
	}))
	if aws.ToString(prev.SecretString) != `{"A":"1"}` || aws.ToString(prev.VersionId) != v1 {
		t.Errorf("AWSPREVIOUS = %+v", prev)
	}
	byID := must[*secretsmanager.GetSecretValueOutput](t)(c.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{
		SecretId: aws.String(arn), VersionId: aws.String(v2),
	}))
	if aws.ToString(byID.SecretString) != `{"A":"2"}` {
		t.Errorf("by VersionId = %+v", byID)
	}
	// A third version pushes v1 out of the labels.
	token := "0123456789abcdef0123456789abcdef"
	must[*secretsmanager.PutSecretValueOutput](t)(c.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{
		SecretId: aws.String("acme-api/prod"), SecretString: aws.String(`{"A":"3"}`), ClientRequestToken: aws.String(token),
	}))
	// A retry with the same token and value is a no-op; another value is refused.
	must[*secretsmanager.PutSecretValueOutput](t)(c.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{
		SecretId: aws.String("acme-api/prod"), SecretString: aws.String(`{"A":"3"}`), ClientRequestToken: aws.String(token),
	}))
	_, err := c.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{
		SecretId: aws.String("acme-api/prod"), SecretString: aws.String(`{"A":"4"}`), ClientRequestToken: aws.String(token),
	})
	wantErr[*smtypes.ResourceExistsException](t, err)

	desc := must[*secretsmanager.DescribeSecretOutput](t)(c.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String(arn)}))
	want := map[string][]string{token: {"AWSCURRENT"}, v2: {"AWSPREVIOUS"}}
	if len(desc.VersionIdsToStages) != 2 || !slices.Equal(desc.VersionIdsToStages[token], want[token]) || !slices.Equal(desc.VersionIdsToStages[v2], want[v2]) {
		t.Errorf("VersionIdsToStages = %v", desc.VersionIdsToStages)
	}
	if aws.ToString(desc.Description) != "config" || len(desc.Tags) != 1 || desc.DeletedDate != nil || desc.KmsKeyId != nil ||
		!desc.CreatedDate.Equal(clk.Now().Add(-time.Hour)) || !desc.LastChangedDate.Equal(clk.Now()) || desc.LastAccessedDate == nil {
		t.Errorf("DescribeSecret = %+v", desc)
	}
	st, ok := srv.Secret("acme-api/prod")
	if !ok || st.SecretString != `{"A":"3"}` || st.VersionID != token || st.Versions != 3 || st.ARN != arn || st.Tags["app"] != "acme" {
		t.Errorf("Secret = %+v", st)
	}

	// UpdateSecret changes metadata and, with a value, adds a version.
	upd := must[*secretsmanager.UpdateSecretOutput](t)(c.UpdateSecret(ctx, &secretsmanager.UpdateSecretInput{
		SecretId: aws.String("acme-api/prod"), Description: aws.String("new"), KmsKeyId: aws.String("alias/acme"), SecretString: aws.String(`{"A":"5"}`),
	}))
	if upd.VersionId == nil {
		t.Error("UpdateSecret with a value returned no VersionId")
	}
	if st, _ := srv.Secret(arn); st.SecretString != `{"A":"5"}` || st.Description != "new" || st.KmsKeyID != "alias/acme" {
		t.Errorf("after UpdateSecret: %+v", st)
	}

	// Binary secrets.
	bin := []byte{0, 1, 2, 250}
	must[*secretsmanager.CreateSecretOutput](t)(c.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("bin"), SecretBinary: bin}))
	gotBin := must[*secretsmanager.GetSecretValueOutput](t)(c.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("bin")}))
	if !bytes.Equal(gotBin.SecretBinary, bin) || gotBin.SecretString != nil {
		t.Errorf("binary = %v %v", gotBin.SecretBinary, gotBin.SecretString)
	}

	// A secret without a value has no AWSCURRENT version.
	empty := must[*secretsmanager.CreateSecretOutput](t)(c.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("empty")}))
	if empty.VersionId != nil {
		t.Errorf("VersionId of a secret without value = %v", *empty.VersionId)
	}
	_, err = c.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("empty")})
	wantErr[*smtypes.ResourceNotFoundException](t, err)
	wantMessage(t, err, "staging label: AWSCURRENT")
	_, err = c.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("bin"), VersionId: aws.String("ffffffffffffffffffffffffffffffff")})
	wantErr[*smtypes.ResourceNotFoundException](t, err)
	if names := srv.SecretNames(); !slices.Equal(names, []string{"acme-api/prod", "bin", "empty"}) {
		t.Errorf("SecretNames = %v", names)
	}
}

func TestSecretsErrors(t *testing.T) {
	t.Parallel()
	_, _, c := start(t, Options{})
	createSecret(t, c, "dup", "v")
	_, err := c.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("dup"), SecretString: aws.String("v")})
	wantErr[*smtypes.ResourceExistsException](t, err)
	wantMessage(t, err, "The operation failed because the secret dup already exists.")

	// A retried CreateSecret (same token, same value) succeeds.
	token := "abcdefabcdefabcdefabcdefabcdef01"
	first := must[*secretsmanager.CreateSecretOutput](t)(c.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("idem"), SecretString: aws.String("v"), ClientRequestToken: aws.String(token)}))
	again := must[*secretsmanager.CreateSecretOutput](t)(c.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("idem"), SecretString: aws.String("v"), ClientRequestToken: aws.String(token)}))
	if aws.ToString(first.ARN) != aws.ToString(again.ARN) || aws.ToString(again.VersionId) != token {
		t.Errorf("idempotent create: %v vs %v", first, again)
	}

	for _, id := range []string{"missing", "arn:aws:secretsmanager:us-east-1:123456789012:secret:missing-AbCdEf", "arn:aws:secretsmanager:us-west-2:123456789012:secret:dup"} {
		_, err = c.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(id)})
		wantErr[*smtypes.ResourceNotFoundException](t, err)
		wantMessage(t, err, msgSMNotFound)
	}
	_, err = c.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String("missing")})
	wantErr[*smtypes.ResourceNotFoundException](t, err)
	_, err = c.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: aws.String("missing"), SecretString: aws.String("v")})
	wantErr[*smtypes.ResourceNotFoundException](t, err)

	_, err = c.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("both"), SecretString: aws.String("v"), SecretBinary: []byte("b")})
	wantErr[*smtypes.InvalidParameterException](t, err)
	wantMessage(t, err, msgSMBothValues)
	_, err = c.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: aws.String("dup")})
	wantErr[*smtypes.InvalidParameterException](t, err)

	for _, name := range []string{"has space", "semi;colon", "bang!", strings.Repeat("n", 513), ""} {
		_, err = c.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String(name), SecretString: aws.String("v")})
		wantCode(t, err, "ValidationException")
	}
	_, err = c.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("has space")})
	wantCode(t, err, "ValidationException")
	wantMessage(t, err, msgSMInvalidName)
	// AWS accepts names that end like an ARN suffix (and only advises
	// against them), and so does the sandbox.
	createSecret(t, c, "xyz-secret", "v")
	// The name's allowed characters.
	createSecret(t, c, "a/b_c+d=e.f@g-h", "v")

	big := strings.Repeat("x", MaxSecretValueBytes)
	createSecret(t, c, "big", big)
	_, err = c.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: aws.String("big"), SecretString: aws.String(big + "x")})
	wantCode(t, err, "ValidationException")
	wantMessage(t, err, "Value at 'secretString' failed to satisfy constraint: Member must have length less than or equal to 65536")
	_, err = c.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("emptystr"), SecretString: aws.String("")})
	wantCode(t, err, "ValidationException")
	_, err = c.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("shorttoken"), SecretString: aws.String("v"), ClientRequestToken: aws.String("short")})
	wantCode(t, err, "ValidationException")
}

func TestSecretsDeletion(t *testing.T) {
	t.Parallel()
	clk := clock.NewFake()
	srv, _, c := start(t, Options{Clock: clk})
	created := createSecret(t, c, "app/db", "v")

	_, err := c.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: aws.String("app/db"), RecoveryWindowInDays: aws.Int64(7), ForceDeleteWithoutRecovery: aws.Bool(true)})
	wantErr[*smtypes.InvalidParameterException](t, err)
	wantMessage(t, err, msgSMForceAndWindow)
	for _, days := range []int64{6, 31} {
		_, err = c.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: aws.String("app/db"), RecoveryWindowInDays: aws.Int64(days)})
		wantErr[*smtypes.InvalidParameterException](t, err)
	}

	del := must[*secretsmanager.DeleteSecretOutput](t)(c.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: created.ARN, RecoveryWindowInDays: aws.Int64(7)}))
	if !del.DeletionDate.Equal(clk.Now().Add(7*24*time.Hour)) || aws.ToString(del.Name) != "app/db" {
		t.Errorf("DeleteSecret = %+v", del)
	}
	desc := must[*secretsmanager.DescribeSecretOutput](t)(c.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String("app/db")}))
	if desc.DeletedDate == nil || !desc.DeletedDate.Equal(clk.Now()) {
		t.Errorf("DeletedDate = %v", desc.DeletedDate)
	}
	// Reads and writes are refused, and so is the name.
	for _, call := range []func() error{
		func() error {
			_, err := c.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("app/db")})
			return err
		},
		func() error {
			_, err := c.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: aws.String("app/db"), SecretString: aws.String("w")})
			return err
		},
		func() error {
			_, err := c.TagResource(ctx, &secretsmanager.TagResourceInput{SecretId: aws.String("app/db"), Tags: []smtypes.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
			return err
		},
		func() error {
			_, err := c.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: aws.String("app/db")})
			return err
		},
	} {
		err := call()
		wantErr[*smtypes.InvalidRequestException](t, err)
		wantMessage(t, err, msgSMMarkedDeleted)
	}
	_, err = c.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("app/db"), SecretString: aws.String("v")})
	wantErr[*smtypes.InvalidRequestException](t, err)
	wantMessage(t, err, msgSMCreateScheduled)

	list := must[*secretsmanager.ListSecretsOutput](t)(c.ListSecrets(ctx, &secretsmanager.ListSecretsInput{}))
	withDeleted := must[*secretsmanager.ListSecretsOutput](t)(c.ListSecrets(ctx, &secretsmanager.ListSecretsInput{IncludePlannedDeletion: aws.Bool(true)}))
	if len(list.SecretList) != 0 || len(withDeleted.SecretList) != 1 || withDeleted.SecretList[0].DeletedDate == nil {
		t.Errorf("ListSecrets: %d, with planned deletion %d", len(list.SecretList), len(withDeleted.SecretList))
	}

	// RestoreSecret brings it back.
	must[*secretsmanager.RestoreSecretOutput](t)(c.RestoreSecret(ctx, &secretsmanager.RestoreSecretInput{SecretId: aws.String("app/db")}))
	must[*secretsmanager.GetSecretValueOutput](t)(c.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("app/db")}))
	_, err = c.RestoreSecret(ctx, &secretsmanager.RestoreSecretInput{SecretId: aws.String("missing")})
	wantErr[*smtypes.ResourceNotFoundException](t, err)

	// The recovery window ends by the injected clock; then the name is free.
	must[*secretsmanager.DeleteSecretOutput](t)(c.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: aws.String("app/db"), RecoveryWindowInDays: aws.Int64(7)}))
	clk.Advance(7*24*time.Hour - time.Second)
	if st, ok := srv.Secret("app/db"); !ok || st.DeletedDate.IsZero() {
		t.Errorf("purged early: %+v %v", st, ok)
	}
	clk.Advance(time.Second)
	if _, ok := srv.Secret("app/db"); ok {
		t.Error("not purged after the recovery window")
	}
	again := createSecret(t, c, "app/db", "new")
	if aws.ToString(again.ARN) == aws.ToString(created.ARN) {
		t.Error("a recreated secret kept its ARN")
	}

	// The default window is 30 days; force deletes at once, even a
	// scheduled or missing secret.
	del = must[*secretsmanager.DeleteSecretOutput](t)(c.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: aws.String("app/db")}))
	if !del.DeletionDate.Equal(clk.Now().Add(30 * 24 * time.Hour)) {
		t.Errorf("default window: %v", del.DeletionDate)
	}
	must[*secretsmanager.DeleteSecretOutput](t)(c.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: aws.String("app/db"), ForceDeleteWithoutRecovery: aws.Bool(true)}))
	if _, ok := srv.Secret("app/db"); ok {
		t.Error("force delete left the secret")
	}
	must[*secretsmanager.DeleteSecretOutput](t)(c.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: aws.String("never-existed"), ForceDeleteWithoutRecovery: aws.Bool(true)}))
	_, err = c.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: aws.String("never-existed")})
	wantErr[*smtypes.ResourceNotFoundException](t, err)
	createSecret(t, c, "app/db", "newer")
}

func TestSecretsList(t *testing.T) {
	t.Parallel()
	clk := clock.NewFake()
	_, _, c := start(t, Options{Clock: clk})
	for i := range 25 {
		clk.Advance(time.Second)
		must[*secretsmanager.CreateSecretOutput](t)(c.CreateSecret(ctx, &secretsmanager.CreateSecretInput{
			Name: aws.String(fmt.Sprintf("svc%d/secret%02d", i%2, i)), SecretString: aws.String("v"),
			Description: aws.String(fmt.Sprintf("Secret number %d", i)),
			Tags:        []smtypes.Tag{{Key: aws.String("parity"), Value: aws.String([]string{"even", "odd"}[i%2])}},
		}))
	}
	list := func(in *secretsmanager.ListSecretsInput) []string {
		t.Helper()
		var names []string
		p := secretsmanager.NewListSecretsPaginator(c, in)
		for p.HasMorePages() {
			out := must[*secretsmanager.ListSecretsOutput](t)(p.NextPage(ctx))
			for _, e := range out.SecretList {
				names = append(names, aws.ToString(e.Name))
				if e.SecretVersionsToStages == nil || e.CreatedDate == nil || !secretARN.MatchString(aws.ToString(e.ARN)) {
					t.Errorf("entry = %+v", e)
				}
			}
		}
		return names
	}
	all := list(&secretsmanager.ListSecretsInput{MaxResults: aws.Int32(7)})
	if len(all) != 25 || all[0] != "svc0/secret00" || all[24] != "svc0/secret24" {
		t.Errorf("all (by created date): %v", all)
	}
	desc := list(&secretsmanager.ListSecretsInput{SortOrder: smtypes.SortOrderTypeDesc})
	if desc[0] != "svc0/secret24" {
		t.Errorf("desc: %v", desc[:3])
	}
	byName := list(&secretsmanager.ListSecretsInput{SortBy: smtypes.SortByTypeName})
	if !slices.IsSorted(byName) {
		t.Errorf("by name: %v", byName)
	}
	filter := func(key smtypes.FilterNameStringType, values ...string) *secretsmanager.ListSecretsInput {
		return &secretsmanager.ListSecretsInput{Filters: []smtypes.Filter{{Key: key, Values: values}}}
	}
	for _, c2 := range []struct {
		in   *secretsmanager.ListSecretsInput
		want int
	}{
		{filter(smtypes.FilterNameStringTypeName, "svc1/"), 12},
		{filter(smtypes.FilterNameStringTypeName, "SVC1/SECRET0"), 5},
		{filter(smtypes.FilterNameStringTypeName, "!svc1/"), 13},
		{filter(smtypes.FilterNameStringTypeDescription, "secret number 1"), 11},
		{filter(smtypes.FilterNameStringTypeTagKey, "par"), 25},
		{filter(smtypes.FilterNameStringTypeTagValue, "odd"), 12},
		{filter(smtypes.FilterNameStringTypeAll, "odd", "svc0/secret00"), 13},
		{filter(smtypes.FilterNameStringTypePrimaryRegion, "us-east-1"), 0},
	} {
		if got := list(c2.in); len(got) != c2.want {
			t.Errorf("%+v: %d, want %d", c2.in.Filters, len(got), c2.want)
		}
	}
	_, err := c.ListSecrets(ctx, &secretsmanager.ListSecretsInput{NextToken: aws.String("bogus")})
	wantErr[*smtypes.InvalidNextTokenException](t, err)
	_, err = c.ListSecrets(ctx, &secretsmanager.ListSecretsInput{MaxResults: aws.Int32(101)})
	wantCode(t, err, "ValidationException")
	_, err = c.ListSecrets(ctx, filter("colour", "x"))
	wantCode(t, err, "ValidationException")
	_, err = c.ListSecrets(ctx, filter(smtypes.FilterNameStringTypeName))
	wantErr[*smtypes.InvalidParameterException](t, err)
}

func TestSecretsTags(t *testing.T) {
	t.Parallel()
	srv, _, c := start(t, Options{})
	created := createSecret(t, c, "tagged", "v")
	must[*secretsmanager.TagResourceOutput](t)(c.TagResource(ctx, &secretsmanager.TagResourceInput{
		SecretId: created.ARN, Tags: []smtypes.Tag{{Key: aws.String("a"), Value: aws.String("1")}, {Key: aws.String("b"), Value: aws.String("2")}},
	}))
	must[*secretsmanager.UntagResourceOutput](t)(c.UntagResource(ctx, &secretsmanager.UntagResourceInput{SecretId: aws.String("tagged"), TagKeys: []string{"a"}}))
	desc := must[*secretsmanager.DescribeSecretOutput](t)(c.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String("tagged")}))
	if len(desc.Tags) != 1 || aws.ToString(desc.Tags[0].Key) != "b" {
		t.Errorf("tags = %+v", desc.Tags)
	}
	if st, _ := srv.Secret("tagged"); len(st.Tags) != 1 || st.Tags["b"] != "2" {
		t.Errorf("Secret tags = %v", st.Tags)
	}
	_, err := c.TagResource(ctx, &secretsmanager.TagResourceInput{SecretId: aws.String("missing"), Tags: []smtypes.Tag{}})
	wantErr[*smtypes.ResourceNotFoundException](t, err)
	_, err = c.UntagResource(ctx, &secretsmanager.UntagResourceInput{SecretId: aws.String("missing"), TagKeys: []string{"a"}})
	wantErr[*smtypes.ResourceNotFoundException](t, err)
	_, err = c.TagResource(ctx, &secretsmanager.TagResourceInput{SecretId: aws.String("tagged"), Tags: []smtypes.Tag{{Key: aws.String(""), Value: aws.String("v")}}})
	wantCode(t, err, "ValidationException")
}
