package catalog

// Temporary: replaced by the generated file (same names).
const (
	OK                          Code = 0
	SystemError                 Code = -1
	InvalidCredential           Code = 40001
	InvalidGrantType            Code = 40002
	InvalidAppID                Code = 40013
	InvalidAccessToken          Code = 40014
	InvalidAppSecret            Code = 40125
	AccessTokenMissing          Code = 41001
	AppIDMissing                Code = 41002
	AppSecretMissing            Code = 41004
	AccessTokenExpired          Code = 42001
	RequirePOST                 Code = 43002
	DailyQuotaExceeded          Code = 45009
	NotJSON                     Code = 47001
	ThirdPartyPermissionMissing Code = 61007
	ThirdPartyIPNotWhitelisted  Code = 61004
	URLNotFound                 Code = 40066
	APIUnauthorized             Code = 48001
	ContentViolation            Code = 87014
	RateLimited                 Code = 300000
	OpenIDIllegal               Code = 990001
	OpenIDIllegalVariant        Code = 990002
	OpenIDMissing               Code = 990004
	PageSizeTooLarge            Code = 990005
	ParameterMissing            Code = 990007
	ParameterTooLong            Code = 990008
	StartAfterEnd               Code = 990009
	SystemBusy                  Code = 990010
)
