package api

import _ "embed"

// OpenAPISpec is the project's copy of the Agent API contract (openapi.yaml),
// embedded so tests and tools never read files outside the module.
//
//go:embed openapi.yaml
var OpenAPISpec []byte
