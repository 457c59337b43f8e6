package codegen

// This file writes migration/versions.tf: the Terraform and provider
// requirements of the migration root module and its provider block.

// migrationVersionsFile writes versions.tf.
func migrationVersionsFile() *tfWriter {
	w := newTFWriter("Terraform and provider requirements. Write-only attributes need Terraform 1.11.")
	tf := w.block(false, "terraform")
	w.set(tf, "required_version", tfLit(">= 1.11"))
	rp := w.nested(tf, "required_providers")
	w.set(rp, "heroku2aws", tfObj(tfField("source", tfLit("heroku2aws/heroku2aws"))))
	w.comment("Heroku credentials come from HEROKU_API_KEY (or ~/.netrc), AWS credentials",
		"from the standard SDK chain (AWS_PROFILE, AWS_ENDPOINT_URL, ...).")
	prov := w.block(true, "provider", "heroku2aws")
	w.set(w.nested(prov, "aws"), "region", tfRef("var", "aws_region"))
	return w
}
