package openapi

import (
	"github.com/shopconform/shopconform/apispec"
	"github.com/shopconform/shopconform/catalog"
)

// The token endpoints (api-reference.md §1.1) are not in the spec: they
// take no access_token, and their success answer has no errcode.
const (
	classicTokenPath = "/cgi-bin/token"
	stableTokenPath  = "/cgi-bin/stable_token"
)

var tokenSource = apispec.Source{Section: "§1.1", Evidence: apispec.Documented}

// credentialCodes are the checks both endpoints make, in order.
func credentialCodes() []apispec.CodeUse {
	return []apispec.CodeUse{
		{Code: catalog.AppIDMissing, When: "appid is missing", Source: tokenSource},
		{Code: catalog.AppSecretMissing, When: "secret is missing", Source: tokenSource},
		{Code: catalog.InvalidGrantType, When: `grant_type is not "client_credential"`, Source: tokenSource},
		{Code: catalog.InvalidAppID, When: "appid is no mini program's", Source: tokenSource},
		{Code: catalog.InvalidAppSecret, When: "secret is not shaped like an app secret", Source: tokenSource},
		{Code: catalog.InvalidCredential, When: "secret is not the appid's", Source: tokenSource},
		{Code: catalog.SystemError, When: "a backend failure", Source: tokenSource},
	}
}

func (r *renderer) tokenPaths() map[string]any {
	credentials := schema{
		"grant_type": schema{"type": "string", "enum": []string{"client_credential"}},
		"appid":      schema{"type": "string", "description": "The mini program's appid."},
		"secret":     schema{"type": "string", "description": "The mini program's app secret."},
	}
	query := func(name string) map[string]any {
		return map[string]any{"name": name, "in": "query", "required": true, "schema": credentials[name]}
	}
	stableBody := schema{
		"type":     "object",
		"required": []string{"grant_type", "appid", "secret"},
		"properties": schema{
			"grant_type":    credentials["grant_type"],
			"appid":         credentials["appid"],
			"secret":        credentials["secret"],
			"force_refresh": schema{"type": "boolean", "default": false, "description": "Mint a new token and invalidate the current one (at most 20 a day, 30 s apart)."},
		},
	}
	stableCodes := append([]apispec.CodeUse{{Code: catalog.NotJSON, When: "the body is not one JSON object", Source: tokenSource}}, credentialCodes()...)
	return map[string]any{
		classicTokenPath: map[string]any{"get": map[string]any{
			"operationId":            "cgiBinToken",
			"summary":                "Get an access_token (a new one on every call; older ones stay valid until they expire)",
			"tags":                   []string{tokenTag},
			"security":               []any{},
			"parameters":             []any{query("grant_type"), query("appid"), query("secret")},
			"responses":              map[string]any{"200": tokenResponse()},
			"x-shopconform-errcodes": r.codeList(credentialCodes()),
			"x-shopconform-source":   tokenSource,
		}},
		stableTokenPath: map[string]any{
			"post": map[string]any{
				"operationId": "cgiBinStableToken",
				"summary":     "Get the stable access_token (the same one until it expires, unless force_refresh)",
				"tags":        []string{tokenTag},
				"security":    []any{},
				"requestBody": map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{
					"schema": stableBody,
				}}},
				"responses":              map[string]any{"200": tokenResponse()},
				"x-shopconform-errcodes": r.codeList(stableCodes),
				"x-shopconform-source":   tokenSource,
			},
			"x-shopconform-errcodes": r.codeList(only(apispec.RouteCodes(), catalog.RequirePOST)),
		},
	}
}

// tokenResponse: a token without errcode, or an error envelope; both with
// HTTP 200.
func tokenResponse() map[string]any {
	token := schema{
		"type":     "object",
		"required": []string{"access_token", "expires_in"},
		"properties": schema{
			"access_token": schema{"type": "string", "description": "Keep room for 512 characters."},
			"expires_in":   schema{"type": "integer", "description": "Seconds the token stays valid (7200 when new)."},
		},
	}
	return map[string]any{
		"description": "The token (no errcode), or an error envelope, both with HTTP 200.",
		"content": map[string]any{"application/json": map[string]any{"schema": schema{
			"oneOf": []any{token, schema{"$ref": "#/components/schemas/Envelope"}},
		}}},
	}
}
