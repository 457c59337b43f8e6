package inventory

import (
	"fmt"
	"strings"
)

// DynoTableMarkdown renders DynoSpecs and their Fargate sizes as the
// Markdown table that the heroku2aws_formation docs show. A test keeps the
// template in step with it.
func DynoTableMarkdown() string {
	var b strings.Builder
	b.WriteString("| Dyno size | RAM | vCPU reserved | Fargate `cpu` | Fargate `memory` (MiB) |\n")
	b.WriteString("|---|---|---|---|---|\n")
	for _, s := range DynoSpecs {
		f := s.Fargate()
		note := ""
		if !f.Fits {
			note = " (capped: larger than any Fargate task)"
		}
		fmt.Fprintf(&b, "| %s | %s GB | %s | %d | %d%s |\n", s.Name, trimFloat(s.MemoryGB), trimFloat(s.VCPU), f.CPU, f.Memory, note)
	}
	return b.String()
}

// AddOnTablesMarkdown renders the add-on mapping tables that the
// heroku2aws_addons docs show.
func AddOnTablesMarkdown() string {
	var b strings.Builder
	b.WriteString("| Add-on service | AWS service | Resource type |\n|---|---|---|\n")
	for _, row := range ServiceEquivalents {
		fmt.Fprintf(&b, "| %s | %s | `%s` |\n", "`"+strings.Join(row.AddonServices, "`, `")+"`", row.Service, row.ResourceType)
	}
	b.WriteString("\n| Heroku Postgres plan | RDS instance class |\n|---|---|\n")
	for _, row := range PostgresPlanSizes {
		fmt.Fprintf(&b, "| %s | `%s` |\n", planLabel(row.Tier, PostgresFamilies), row.InstanceClass)
	}
	b.WriteString("\n| Heroku Redis plan | ElastiCache node type |\n|---|---|\n")
	for _, row := range RedisPlanSizes {
		fmt.Fprintf(&b, "| %s | `%s` |\n", planLabel(row.Tier, RedisFamilies), row.InstanceClass)
	}
	return b.String()
}

func planLabel(tier string, families []PlanFamily) string {
	if !isNumber(tier) {
		return "`" + tier + "`"
	}
	names := make([]string, 0, len(families))
	for _, f := range families {
		names = append(names, "`"+f.Prefix+"-"+tier+"`")
	}
	return strings.Join(names, ", ")
}

func trimFloat(f float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", f), "0"), ".")
}
