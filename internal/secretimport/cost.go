package secretimport

// Prices in US dollars per month (us-east-1, FACTS.md; marked "verify"
// there, so they live in one documented table).
const (
	PriceSSMStandard    = 0.00
	PriceSSMAdvanced    = 0.05
	PriceSecretPerMonth = 0.40
)

// MonthlyCost estimates the storage price of the keys at a destination.
// API calls ($0.05 per 10,000) and KMS requests are not included.
func MonthlyCost(d Destination, keys map[string]KeyState) float64 {
	switch d.Kind {
	case KindSSM:
		total := 0.0
		for _, k := range keys {
			if k.Tier == TierAdvanced {
				total += PriceSSMAdvanced
			} else {
				total += PriceSSMStandard
			}
		}
		return round2(total)
	case KindSecretsManager:
		if len(keys) == 0 {
			return 0
		}
		return PriceSecretPerMonth
	default:
		return round2(float64(len(keys)) * PriceSecretPerMonth)
	}
}

func round2(f float64) float64 {
	return float64(int64(f*100+0.5)) / 100
}
