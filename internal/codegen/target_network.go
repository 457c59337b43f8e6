package codegen

// This file writes target/network.tf: the VPC, its subnets, gateways,
// route tables and security groups.

import "github.com/hashicorp/hcl/v2/hclwrite"

func (p *targetPlan) networkFile() *tfWriter {
	w := newTFWriter("The network: a VPC over two availability zones, public subnets for the load balancers, private subnets behind one NAT gateway for the tasks and data stores, and security groups.")
	b := w.block(false, "data", "aws_availability_zones", "available")
	w.set(b, "state", tfLit("available"))

	b = w.block(false, "resource", "aws_vpc", "main")
	w.set(b, "cidr_block", tfRef("var", "vpc_cidr"))
	w.set(b, "enable_dns_support", tfBool(true))
	w.set(b, "enable_dns_hostnames", tfBool(true))
	b.AppendNewline()
	w.set(b, "tags", tfObj(tfField("Name", tfLit(p.prefix))))

	b = w.block(false, "resource", "aws_internet_gateway", "main")
	w.set(b, "vpc_id", tfRef("aws_vpc", "main", "id"))

	for _, s := range []struct {
		name   string
		cidr   tfSource
		public bool
	}{
		{"public", "cidrsubnet(var.vpc_cidr, 4, count.index)", true},
		{"private", "cidrsubnet(var.vpc_cidr, 2, count.index + 1)", false},
	} {
		b = w.block(false, "resource", "aws_subnet", s.name)
		w.set(b, "count", tfNum(2))
		b.AppendNewline()
		w.set(b, "vpc_id", tfRef("aws_vpc", "main", "id"))
		w.set(b, "cidr_block", tfSrc(s.cidr))
		w.set(b, "availability_zone", tfRef("data", "aws_availability_zones", "available", "names").index(tfRef("count", "index")))
		if s.public {
			w.set(b, "map_public_ip_on_launch", tfBool(true))
		}
		b.AppendNewline()
		w.set(b, "tags", tfObj(tfField("Name", tfTmpl(p.prefix+"-"+s.name+"-", tfRef("count", "index")))))
	}

	b = w.block(false, "resource", "aws_eip", "nat")
	w.set(b, "domain", tfLit("vpc"))

	b = w.block(false, "resource", "aws_nat_gateway", "main")
	w.set(b, "allocation_id", tfRef("aws_eip", "nat", "id"))
	w.set(b, "subnet_id", tfRef("aws_subnet", "public").index(tfNum(0)).dot("id"))
	b.AppendNewline()
	w.set(b, "depends_on", tfList(tfRef("aws_internet_gateway", "main")))

	for _, rt := range []struct {
		name, target string
		ref          tfSource
	}{
		{"public", "gateway_id", "aws_internet_gateway.main.id"},
		{"private", "nat_gateway_id", "aws_nat_gateway.main.id"},
	} {
		b = w.block(false, "resource", "aws_route_table", rt.name)
		w.set(b, "vpc_id", tfRef("aws_vpc", "main", "id"))
		r := w.nested(b, "route")
		w.set(r, "cidr_block", tfLit("0.0.0.0/0"))
		w.set(r, rt.target, tfSrc(rt.ref))

		b = w.block(false, "resource", "aws_route_table_association", rt.name)
		w.set(b, "count", tfNum(2))
		b.AppendNewline()
		w.set(b, "subnet_id", tfRef("aws_subnet", rt.name).index(tfRef("count", "index")).dot("id"))
		w.set(b, "route_table_id", tfRef("aws_route_table", rt.name, "id"))
	}

	rule := func(b *hclwrite.Body, typ, desc string, port int, protocol string, cidr, sg tfExpr) {
		r := w.nested(b, typ)
		w.set(r, "description", tfLit(desc))
		w.set(r, "from_port", tfNum(port))
		w.set(r, "to_port", tfNum(port))
		w.set(r, "protocol", tfLit(protocol))
		if !cidr.isZero() {
			w.set(r, "cidr_blocks", cidr)
		}
		if !sg.isZero() {
			w.set(r, "security_groups", sg)
		}
	}
	sg := func(name, desc string) *hclwrite.Body {
		b := w.block(false, "resource", "aws_security_group", name)
		w.set(b, "name", tfLit(p.prefix+"-"+name))
		w.set(b, "description", tfLit(desc))
		w.set(b, "vpc_id", tfRef("aws_vpc", "main", "id"))
		return b
	}
	anywhere := tfStrings([]string{"0.0.0.0/0"})

	b = sg("alb", "Load balancers: HTTP and HTTPS from anywhere.")
	rule(b, "ingress", "HTTP", 80, "tcp", anywhere, tfExpr{})
	rule(b, "ingress", "HTTPS", 443, "tcp", anywhere, tfExpr{})
	rule(b, "egress", "To the tasks", targetContainerPort, "tcp", tfList(tfRef("var", "vpc_cidr")), tfExpr{})

	b = sg("tasks", "ECS tasks: the container port from the load balancers; any egress.")
	rule(b, "ingress", "From the load balancers", targetContainerPort, "tcp", tfExpr{}, tfList(tfRef("aws_security_group", "alb", "id")))
	rule(b, "egress", "Anywhere", 0, "-1", anywhere, tfExpr{})

	if len(p.stores) > 0 {
		b = sg("databases", "RDS and ElastiCache: PostgreSQL and Redis from the tasks.")
		rule(b, "ingress", "PostgreSQL from the tasks", 5432, "tcp", tfExpr{}, tfList(refTasksSG))
		rule(b, "ingress", "Redis from the tasks", 6379, "tcp", tfExpr{}, tfList(refTasksSG))
	}
	return w
}
