# License metadata for tooling that reads it (HashiCorp's copywrite, and
# registries that look for an SPDX identifier). The licence text is LICENSE.
schema_version = 1

project {
  license        = "MPL-2.0"
  copyright_year = 2026

  header_ignore = [
    # Examples and templates are documentation, not source.
    "examples/**",
    "templates/**",
    "docs/**",
    # Generated-output fixtures.
    "internal/codegen/testdata/**",
  ]
}
