package api

// Environment variables chargedesk reads.
const (
	EnvAPIURL  = "PETITMONDE_API_URL"
	EnvAPIKey  = "PETITMONDE_API_KEY"
	EnvProfile = "CHARGEDESK_PROFILE"
)
