// Command terraform-provider-heroku2aws serves the heroku2aws Terraform
// provider over plugin protocol 6. Its generate subcommand writes a
// migration from a live Heroku inventory:
//
//	terraform-provider-heroku2aws generate --team acme --out ./heroku-to-aws
package main

import (
	"context"
	"flag"
	"log"
	"os"
	"os/signal"
	"syscall"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/codegen"
	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/provider"
)

// version is set by the release build (-ldflags "-X main.version=...").
var version = "dev"

func main() {
	if len(os.Args) > 1 && os.Args[1] == "generate" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := codegen.RunCLI(ctx, os.Args[2:], os.Stderr, os.Getenv, moduleFS())
		stop()
		os.Exit(code)
	}
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers such as delve")
	flag.Parse()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/heroku2aws/heroku2aws",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err)
	}
}
