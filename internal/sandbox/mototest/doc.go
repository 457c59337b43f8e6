// Package mototest runs moto (https://github.com/getmoto/moto), an
// independent AWS emulator, on loopback for tests: a second opinion beside
// this repository's own sandbox (internal/sandbox/awsapi), and the AWS API
// that generated target/ modules are applied against.
//
//	m := mototest.StartT(t)
//	cfg := m.AWSConfig(ctx)                      // aws-sdk-go-v2 against moto
//	hcl := m.ProviderOverride()                  // provider "aws" endpoints for hashicorp/aws
//
// Each call starts its own python3 process running the embedded wrapper
// (moto_server.py), which serves moto in-process on 127.0.0.1 on a free
// port and prints the port once it listens; Stop (or the test's cleanup)
// kills it and removes its log. The wrapper sets
// MOTO_IAM_LOAD_MANAGED_POLICIES=true, without which moto has no AWS
// managed IAM policies, and patches moto's ElastiCache: a replication
// group gets its member cache clusters, which hashicorp/aws reads back
// after create, and deleted groups and clusters go away instead of staying
// "deleting" forever; each RDS instance gets its own DbiResourceId (moto
// gives all the same one), by which hashicorp/aws finds it.
//
// StartT skips the test with SkipMessage (which .ci/run looks for in the
// test log) when python3 or moto 5 is missing, and fails it on any other
// error.
package mototest
