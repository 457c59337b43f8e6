// Package codegen turns a Heroku inventory into Terraform configuration and
// a migration checklist. It does not import terraform-plugin-framework.
package codegen
