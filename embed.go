package main

import (
	"embed"
	"io/fs"
)

// appMigrationModule is examples/modules/heroku-app-migration, which the
// generate subcommand copies into every generated migration.
//
//go:embed examples/modules/heroku-app-migration/*.tf examples/modules/heroku-app-migration/README.md
var appMigrationModule embed.FS

func moduleFS() fs.FS {
	sub, err := fs.Sub(appMigrationModule, "examples/modules/heroku-app-migration")
	if err != nil {
		panic(err) // the embed pattern above guarantees the directory
	}
	return sub
}
