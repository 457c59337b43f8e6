// Package appfreeze freezes one Heroku app for a migration's cutover
// window and lifts the freeze again (the rollback).
package appfreeze
