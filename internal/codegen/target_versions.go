package codegen

// This file writes target/versions.tf: the Terraform and provider
// version constraints of the target root module.

func (p *targetPlan) versionsFile() *tfWriter {
	w := newTFWriter("Terraform and provider version constraints. No hashicorp/random: RDS generates the database passwords.")
	tf := w.block(false, "terraform")
	w.set(tf, "required_version", tfLit(">= 1.5"))
	rp := w.nested(tf, "required_providers")
	w.set(rp, "aws", tfObj(tfField("source", tfLit("hashicorp/aws")), tfField("version", tfLit(">= 5.40, < 7.0"))))
	return w
}
