package codegen

import (
	"testing"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/inventory"
)

// A formation entry of type release is the release phase, never a
// service: the app gets one release task definition, named <app>-release,
// and no service or second task definition for it.
func TestTargetReleaseFormationEntry(t *testing.T) {
	t.Parallel()
	for _, releaseCommand := range []string{"npm run migrate", ""} {
		inv := sampleInventory()
		var api *App
		for i := range inv.Apps {
			if inv.Apps[i].Name == "acme-api" {
				api = &inv.Apps[i]
			}
		}
		api.ReleaseCommand = releaseCommand
		spec, _ := inventory.LookupDynoSpec("Standard-1X")
		api.Processes = append(api.Processes, Process{Process: inventory.Process{
			Type: "release", Command: "npm run migrate", Quantity: 0, Size: "Standard-1X", MemoryGB: spec.MemoryGB, Fargate: spec.Fargate(),
		}})
		inv.AssignIdents()
		m := tgParseTarget(t, inv)
		var releases []string
		for _, b := range m.blocks("resource", "aws_ecs_task_definition") {
			if b.file != "app_acme-api.tf" {
				continue
			}
			family := tgStr(t, &b, "family")
			if family != "acme-api-web" && family != "acme-api-worker" {
				releases = append(releases, b.block.Labels[1]+" "+family)
			}
		}
		if len(releases) != 1 || releases[0] != "acme-api_release acme-api-release" {
			t.Errorf("release command %q: the app's other task definitions are %q, want exactly acme-api_release acme-api-release", releaseCommand, releases)
		}
		for _, b := range m.blocks("resource", "aws_ecs_service") {
			if name := tgStr(t, &b, "name"); b.file == "app_acme-api.tf" && name != "acme-api-web" && name != "acme-api-worker" {
				t.Errorf("release command %q: unexpected service %s (%s)", releaseCommand, b.block.Labels[1], name)
			}
		}
		td := m.must(t, "resource", "aws_ecs_task_definition", "acme-api_release")
		// The release dyno is a Standard-1X, as the worker is.
		worker := m.must(t, "resource", "aws_ecs_task_definition", "acme-api_worker")
		if got, want := tgStr(t, td, "memory"), tgStr(t, worker, "memory"); got != want {
			t.Errorf("the release task's memory is %s, want the release dyno's %s", got, want)
		}
	}
}
