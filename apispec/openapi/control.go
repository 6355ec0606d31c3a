package openapi

import (
	"fmt"
	"strings"

	"github.com/shopconform/shopconform/apispec"
)

// The reference sandbox's control API (refsandbox/README.md "Admin paths
// and the control API"): what a test calls to set up the state its own
// calls presuppose. It is no part of the vendor's API: it lives on the
// sandbox alone under /_shopconform/v1/, takes a bearer token of its own
// instead of the access_token, and answers with plain HTTP statuses.

// ControlTag is the tag of the control API's operations.
const ControlTag = "control"

const (
	controlPrefix   = "/_shopconform/v1/"
	controlAccounts = controlPrefix + "accounts"
	controlAccount  = controlAccounts + "/{appid}"
	healthzPath     = "/_shopconform/healthz"
	// controlScheme is the security scheme of the control token.
	controlScheme = "control_token"
	// sandboxServer is where `shopconform serve` listens by default.
	sandboxServer = "http://127.0.0.1:8089"
)

// controlOperations are the operationIds of the calls an example's setup
// names (apispec.ControlCalls), for x-shopconform-setup.
var controlOperations = map[string]string{
	"account":    "controlMintAccount",
	"reset":      "controlResetAccount",
	"clock":      "controlSetClock",
	"categories": "controlReplaceCategories",
	"seed":       "controlSeed",
	"review":     "controlDecideReview",
}

// Control describes the control API as a path group for Options.Extra.
// The seed kinds take the shapes the spec's read endpoints answer, so the
// spec must have those endpoints; the description follows them as their
// responses grow.
func Control(spec *apispec.Spec) (PathGroup, error) {
	category, err := categorySchema(spec)
	if err != nil {
		return PathGroup{}, err
	}
	schemas := map[string]any{"ControlAccount": accountSchema(), "ControlRefusal": refusalSchema(), "ControlCategory": category}
	seedProps := schema{}
	added := schema{}
	for _, k := range seedKinds() {
		item, err := k.schema(spec)
		if err != nil {
			return PathGroup{}, err
		}
		schemas[k.component] = item
		seedProps[k.name] = schema{"type": "array", "items": ref(k.component), "description": k.about}
		added[k.name] = schema{"type": "integer", "minimum": 1}
	}
	paths := map[string]map[string]any{
		healthzPath: {"get": healthz()},
		controlAccounts: {
			"post": controlOp("controlMintAccount", "Mint an account of a profile, with chosen openids and a starting clock",
				mintDescription, mintBody(), "201", "The new account, in the profile's initial state.", ref("ControlAccount"),
				refusals{
					400: "The body is wrong in itself: an unknown field, a value of the wrong type, a blank or repeated openid, an openid longer than 128 characters, a clock that is not yyyy-MM-dd HH:mm:ss.",
					404: "No account profile of that name (`field` is profile).",
				}),
		},
		controlAccount: {
			"get": controlOp("controlGetAccount", "Read an account back: its profile, credentials, users and clock",
				"", nil, "200", "The account.", ref("ControlAccount"),
				refusals{404: "No account with that appid."}),
		},
		controlAccount + "/reset": {
			"post": controlOp("controlResetAccount", "Take an account back to its profile's initial state",
				"Everything the API or the control API made in the account is gone; its credentials, issued tokens, users and clock stay.",
				closedObject(schema{}, "The body is {}."), "200", "The account.", ref("ControlAccount"),
				refusals{400: "The body is not {}.", 404: "No account with that appid."}),
		},
		controlAccount + "/clock": {
			"post": controlOp("controlSetClock", "Set or advance an account's clock",
				clockDescription, clockBody(), "200", "The account, with its clock moved.", ref("ControlAccount"),
				refusals{
					400: `Not exactly one of set, set_unix and advance; a set that is not yyyy-MM-dd HH:mm:ss; an advance that is not a duration ≥ 0; an unknown field.`,
					404: "No account with that appid.",
					409: "The time is before the account's clock (`field` names the key given): a clock never moves backwards; mint an account with clock to start earlier.",
				}),
		},
		controlAccount + "/categories": {
			"put": controlOp("controlReplaceCategories", "Replace an account's category tree",
				categoriesDescription, categoriesBody(), "200", "How many categories the tree now has.",
				closedObject(schema{"third_cat_list": schema{"type": "integer", "minimum": 1}}, "", "third_cat_list"),
				refusals{
					400: `The body is not {"third_cat_list": [...]} with at least one category, or a category is wrong: an unknown field, a value of the wrong type, an id ≤ 0, a third_cat_id used twice, an id on two levels or with two names or parents, a qualification type other than 0, 1 or 2 (fields name third_cat_list[i] and its field).`,
					404: "No account with that appid.",
				}),
		},
		controlAccount + "/seed": {
			"post": controlOp("controlSeed", "Add objects with chosen ids and states, all or nothing",
				seedDescription, closedObject(seedProps, "Each kind is an array of objects in the shape the API's read endpoint answers them; every kind is optional."),
				"200", "How many objects of each kind were added.",
				closedObject(schema{"added": closedObject(added, "Per kind given, the number of objects added.")}, "", "added"),
				refusals{
					400: "The body is wrong in itself (nothing is added): an unknown kind, a kind that is not an array, an item that is not an object, a value of the wrong type, a state the status machine cannot reach. `fields` names every item and field at fault (\"orders[0].status\").",
					404: "No account with that appid, or an item refers to an object that exists neither in the account nor earlier in the same call (nothing is added).",
					409: "A clash with what the account holds (nothing is added): an id already taken.",
				}),
		},
		controlAccount + "/reviews": {
			"post": controlOp("controlDecideReview", "Decide a pending product, brand or category review",
				reviewDescription, reviewBody(), "200", "The decision made.",
				closedObject(schema{
					"decided":  schema{"type": "string", "enum": []string{"product", "brand", "category"}, "description": "The kind of review decided."},
					"decision": schema{"type": "string", "enum": []string{"approve", "reject"}},
				}, "", "decided", "decision"),
				refusals{
					400: "An unknown kind or decision, a rejection without a reason, an unknown field or a value of the wrong type.",
					404: "No account with that appid, or no such product or audit.",
					409: "The product or audit is not under review.",
				}),
		},
	}
	for path, item := range paths {
		item["servers"] = []any{map[string]any{"url": sandboxServer, "description": "the reference sandbox (shopconform serve, its default address); the vendor has no control API"}}
		if strings.Contains(path, "{appid}") {
			item["parameters"] = []any{map[string]any{
				"name": "appid", "in": "path", "required": true, "schema": schema{"type": "string"},
				"description": "The account's appid, as minting answered it (or a built-in profile's, refsandbox/README.md \"Built-in profiles\"). The call touches this account only.",
			}}
		}
	}
	return PathGroup{
		Tag:         ControlTag,
		Description: controlTagDescription,
		Paths:       paths,
		Schemas:     schemas,
		SecuritySchemes: map[string]any{controlScheme: map[string]any{
			"type": "http", "scheme": "bearer",
			"description": `The reference sandbox's control token, not an access_token: Options.ControlToken, or what shopconform serve writes into its accounts file as {"control": {"token": "…"}} (or takes as --control-token).`,
		}},
	}, nil
}

const controlTagDescription = `The reference sandbox's control API (refsandbox/README.md "Control API"; Go client: package refsandbox/control): what a test calls to set up the state its own calls presuppose, the way Stripe's test helpers and test clocks do. It is served by the reference sandbox alone, under /_shopconform/v1/, with the control token as a bearer token; every call but minting names one account in its path and touches that account only, so test processes that share one sandbox never interfere.

Answers use plain HTTP statuses. A refused call answers a 4xx ControlRefusal naming every field at fault: 400 for a body wrong in itself, 401 without the control token, 404 for an account, profile or object that does not exist, 409 for a clash with what the account holds. Another /_shopconform/ path is HTTP 404 ({"error", "paths"}), a wrong method HTTP 405 ({"error"}).`

const mintDescription = `Every key is optional. The account is new, of the profile (default "default"), in its initial state, with its own appid and secret. Its users are the openids given (any non-blank text: the vendor's examples name users "OPENID" or "openid1") or as many generated ones as the profile has. Its clock starts at clock (China time), in the past or the future; the only way to start in the past, since a clock never moves backwards afterwards.`

const clockDescription = `The account's clock is the sandbox's plus an offset; it is the account's "now" for every rule that reads time (an order's expire_time, the windows of times a request sends, after-sale deadlines, quota days, review times). Tokens keep the sandbox's own clock, so moving an account ahead does not expire its token. Give exactly one key.`

const categoriesDescription = `The body is the account's whole new tree, in the shape /shop/cat/get answers it, read as strictly as the built-in tree. Products and audits already made keep the category ids they name.`

const seedDescription = `Seeds take objects in the shape the API's own read endpoints answer them, so a test can paste what it read from a real sandbox; fields the sandbox does not model are ignored. The kinds are read in the order audits, products, orders, aftersales, coupons, user_coupons, sharers, so that a product can use a brand or category an audit of the same call grants, an order can name a product of the same call and an after-sale an order of it. Every item of every kind is checked before anything is applied: one refusal and nothing is added. Reading a seeded object back through the API gives what was seeded, for the fields the sandbox models. Ids the sandbox mints afterwards never collide with seeded ones.

The item schemas are the read endpoints' answers with every field optional: which fields a seed needs (an id, a status) is the sandbox's rule, and a refusal names the field that is missing.`

const reviewDescription = `Decides what the platform decides on its own: a product draft under review (kind product, named by product_id or out_product_id), a brand or category audit (kind brand or category, named by audit_id as audit_brand or audit_category answered it). Approve, or reject with the reason the review then answers (reject_reason). The decision's time is the account's clock.`

// refusals are an operation's 4xx statuses besides 401, with what each
// means for it.
type refusals map[int]string

// controlOp is one operation of the control API: its body (nil: none),
// its success answer and its refusals, behind the control token.
func controlOp(id, summary, description string, body schema, okStatus, okDescription string, ok schema, refused refusals) map[string]any {
	responses := map[string]any{
		okStatus: jsonResponse(okDescription, ok),
		"401":    jsonResponse(`No "Authorization: Bearer <control token>", or another token; {"error"} says where the token is.`, ref("ControlRefusal")),
	}
	for status, means := range refused {
		responses[fmt.Sprint(status)] = jsonResponse(means, ref("ControlRefusal"))
	}
	op := map[string]any{
		"operationId": id,
		"summary":     summary,
		"tags":        []string{ControlTag},
		"security":    []any{map[string]any{controlScheme: []string{}}},
		"responses":   responses,
	}
	if description != "" {
		op["description"] = description
	}
	if body != nil {
		op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": body}}}
	}
	return op
}

func healthz() map[string]any {
	return map[string]any{
		"operationId": "controlHealthz",
		"summary":     "Is the sandbox up, and which version is it",
		"description": "Needs no token. shopconform run reads it before a run against a sandbox, to compare the sandbox's version with its own.",
		"tags":        []string{ControlTag},
		"security":    []any{},
		"responses": map[string]any{"200": jsonResponse("Up.", schema{
			"type":     "object",
			"required": []string{"status", "version"},
			"properties": schema{
				"status":  schema{"const": "ok"},
				"version": schema{"type": "string", "description": "The harness version, also sent as the Shopconform-Version header."},
			},
		})},
	}
}

func jsonResponse(description string, s schema) map[string]any {
	return map[string]any{"description": description, "content": map[string]any{"application/json": map[string]any{"schema": s}}}
}

func ref(component string) schema { return schema{"$ref": "#/components/schemas/" + component} }

// closedObject is an object of these properties and no others: the
// control API reads its bodies strictly, and refuses an unknown field.
func closedObject(props schema, description string, required ...string) schema {
	s := schema{"type": "object", "properties": props, "additionalProperties": false}
	if description != "" {
		s["description"] = description
	}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}

func accountSchema() schema {
	return schema{
		"type":        "object",
		"description": "An account of the sandbox: what a test needs to call the API as it.",
		"required":    []string{"profile", "appid", "secret", "openids", "clock"},
		"properties": schema{
			"profile": schema{"type": "string", "description": `The profile it was minted from (refsandbox/README.md "Built-in profiles").`},
			"appid":   schema{"type": "string", "description": "Its appid: with secret, the credentials of /cgi-bin/token and /cgi-bin/stable_token."},
			"secret":  schema{"type": "string"},
			"openids": schema{"type": "array", "items": schema{"type": "string"}, "description": "Its users."},
			"clock": schema{
				"type":        "object",
				"description": "The account's clock: its now.",
				"required":    []string{"now", "unix"},
				"properties": schema{
					"now":  schema{"type": "string", "pattern": formatPatterns[apispec.DateTime], "description": `"yyyy-MM-dd HH:mm:ss", China time.`},
					"unix": schema{"type": "integer", "format": "int64", "description": "Unix seconds."},
				},
			},
		},
	}
}

func refusalSchema() schema {
	return schema{
		"type":        "object",
		"description": "A refused control call: what is wrong, and the fields at fault, so that a test's author can fix the call.",
		"required":    []string{"error"},
		"properties": schema{
			"error":  schema{"type": "string", "description": `What is wrong: "field: problem", several problems joined by "; ".`},
			"field":  schema{"type": "string", "description": `The first field at fault, as a path into the body ("orders[0].status", "openids[1]", "third_cat_list[2].third_cat_id"); absent when the call as a whole is wrong (no token, a body that is not JSON, no such account).`},
			"fields": schema{"type": "array", "items": schema{"type": "string"}, "description": "Every field at fault."},
			"errors": schema{"type": "array", "items": schema{"type": "string"}, "description": "Each problem, when there are several."},
		},
	}
}

func mintBody() schema {
	return closedObject(schema{
		"profile": schema{"type": "string", "default": "default", "description": `An account profile: a built-in one (refsandbox/README.md "Built-in profiles") or one of the sandbox's options.`},
		"openids": schema{
			"type": "array", "uniqueItems": true,
			"items":       schema{"type": "string", "pattern": notBlank, "maxLength": 128},
			"description": "The account's users: any non-blank text, each once. Default: as many generated ones as the profile has.",
		},
		"clock": schema{"type": "string", "pattern": formatPatterns[apispec.DateTime], "description": `Where the account's clock starts, "yyyy-MM-dd HH:mm:ss" in China time. Default: now.`},
	}, "")
}

// durationPattern is a Go duration ≥ 0 ("36h", "90m", "1h30m").
const durationPattern = `^\+?(0|([0-9]*\.?[0-9]+(ns|us|µs|μs|ms|s|m|h))+)$`

func clockBody() schema {
	s := closedObject(schema{
		"set":      schema{"type": "string", "pattern": formatPatterns[apispec.DateTime], "description": `Move the clock to this time, "yyyy-MM-dd HH:mm:ss" in China time.`},
		"set_unix": schema{"type": "integer", "format": "int64", "description": "Move the clock to this time, in unix seconds."},
		"advance":  schema{"type": "string", "pattern": durationPattern, "description": `Move the clock forward by a duration ≥ 0: "36h", "90m", "1h30m".`},
	}, "Exactly one of set, set_unix and advance; the time must not be before the account's clock.")
	s["oneOf"] = []any{schema{"required": []string{"set"}}, schema{"required": []string{"set_unix"}}, schema{"required": []string{"advance"}}}
	return s
}

func categoriesBody() schema {
	return closedObject(schema{
		"third_cat_list": schema{"type": "array", "minItems": 1, "items": ref("ControlCategory"), "description": "Every level-3 category, as /shop/cat/get answers third_cat_list."},
	}, "", "third_cat_list")
}

// categorySchema is an item of /shop/cat/get's third_cat_list, read as
// strictly as the built-in tree: no unknown field, the three ids > 0,
// qualification types 0 to 2.
func categorySchema(spec *apispec.Spec) (schema, error) {
	s, err := answered(spec, "/shop/cat/get", "third_cat_list[]")
	if err != nil {
		return nil, err
	}
	props, _ := s["properties"].(schema)
	for _, id := range []string{"first_cat_id", "second_cat_id", "third_cat_id"} {
		if p, ok := props[id].(schema); ok {
			p["minimum"] = 1
		}
	}
	for _, q := range []string{"qualification_type", "product_qualification_type"} {
		if p, ok := props[q].(schema); ok && p["enum"] == nil {
			p["minimum"], p["maximum"] = 0, 2
		}
	}
	s["required"] = []string{"first_cat_id", "second_cat_id", "third_cat_id"}
	s["additionalProperties"] = false
	s["description"] = "A level-3 category with its level-1 and level-2 parents, as /shop/cat/get answers it."
	return s, nil
}

func reviewBody() schema {
	s := closedObject(schema{
		"kind":           schema{"type": "string", "enum": []string{"product", "brand", "category"}, "description": "What is reviewed: a product draft, a brand audit or a category audit."},
		"product_id":     schema{"type": []string{"integer", "string"}, "minimum": 0, "pattern": idPattern, "description": "kind product: the product, by the id spu/add answered (or out_product_id)."},
		"out_product_id": schema{"type": "string", "description": "kind product: the product, by the merchant's id."},
		"audit_id":       schema{"type": []string{"string", "integer"}, "description": "kind brand or category: the audit_id audit_brand or audit_category answered."},
		"decision":       schema{"type": "string", "enum": []string{"approve", "reject"}},
		"reason":         schema{"type": "string", "description": "A rejection's reason, which the review then answers as reject_reason."},
	}, "", "kind", "decision")
	s["allOf"] = []any{
		schema{"if": schema{"properties": schema{"decision": schema{"const": "reject"}}},
			"then": schema{"required": []string{"reason"}, "properties": schema{"reason": schema{"minLength": 1}}}},
		schema{"if": schema{"properties": schema{"kind": schema{"const": "product"}}},
			"then": schema{"anyOf": []any{schema{"required": []string{"product_id"}}, schema{"required": []string{"out_product_id"}}}}},
		schema{"if": schema{"properties": schema{"kind": schema{"enum": []string{"brand", "category"}}}},
			"then": schema{"required": []string{"audit_id"}}},
	}
	return s
}
