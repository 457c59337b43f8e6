package codegen

// This file assembles the target root module DIR/target/; each of its
// files is written by target_<file>.go, and target_plan.go names
// everything first.

import (
	"errors"
	"fmt"

	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// Target returns the files of the root module DIR/target/, the AWS landing
// zone for the inventory's apps, keyed by file name: versions.tf,
// variables.tf, providers.tf, network.tf, cluster.tf, data_stores.tf,
// outputs.tf and one app_<ident>.tf per app. Every file is formatted as
// terraform fmt formats it, and the same inventory always gives the same
// bytes. The inventory's identifiers must have been assigned with
// AssignIdents. Nothing in the output is a config var value: secrets are
// referenced by their SSM parameter ARNs.
func Target(inv *Inventory) (map[string][]byte, error) {
	if inv == nil {
		return nil, errors.New("no inventory")
	}
	if err := checkTargetInventory(inv); err != nil {
		return nil, err
	}
	p := newTargetPlan(inv)
	writers := map[string]*tfWriter{
		"versions.tf":    p.versionsFile(),
		"variables.tf":   p.variablesFile(),
		"providers.tf":   p.providersFile(),
		"network.tf":     p.networkFile(),
		"cluster.tf":     p.clusterFile(),
		"data_stores.tf": p.dataStoresFile(),
		"outputs.tf":     p.outputsFile(),
	}
	for _, a := range p.apps {
		writers[a.fileName] = p.appFile(a)
	}
	return renderFiles(writers)
}

// checkTargetInventory rejects inventories whose names would make two
// resources or files collide.
func checkTargetInventory(inv *Inventory) error {
	names, idents := map[string]bool{}, map[string]bool{}
	for i := range inv.Apps {
		a := &inv.Apps[i]
		if names[a.Name] {
			return fmt.Errorf("app %q appears twice in the inventory", a.Name)
		}
		names[a.Name] = true
		if !hclsyntax.ValidIdentifier(a.Ident) || idents[a.Ident] {
			return fmt.Errorf("app %q has no unique identifier (%q): call Inventory.AssignIdents first", a.Name, a.Ident)
		}
		idents[a.Ident] = true
		procs := map[string]bool{}
		for _, p := range a.Processes {
			if !hclsyntax.ValidIdentifier(p.Ident) || procs[p.Ident] {
				return fmt.Errorf("process %q of app %q has no unique identifier (%q): call Inventory.AssignIdents first", p.Type, a.Name, p.Ident)
			}
			procs[p.Ident] = true
		}
	}
	return nil
}
