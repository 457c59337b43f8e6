package codegen

// This file writes target/providers.tf: the AWS provider and its default
// tags.

func (p *targetPlan) providersFile() *tfWriter {
	w := newTFWriter("The AWS provider; every resource is tagged managed-by = heroku2aws.")
	b := w.block(false, "provider", "aws")
	w.set(b, "region", refVarRegion)
	dt := w.nested(b, "default_tags")
	w.set(dt, "tags", tfObj(tfEntry("managed-by", tfLit("heroku2aws")), tfField("environment", refVarEnv)))
	return w
}
