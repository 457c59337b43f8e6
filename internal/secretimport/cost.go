package secretimport

// Storage prices in US dollars a month (us-east-1):
//   - SSM Parameter Store: Standard parameters are free, Advanced ones
//     $0.05 each (https://aws.amazon.com/systems-manager/pricing/);
//   - Secrets Manager: $0.40 per secret
//     (https://aws.amazon.com/secrets-manager/pricing/).
//
// Prices change: these are the one table to update.
const (
	PriceSSMStandard    = 0.00
	PriceSSMAdvanced    = 0.05
	PriceSecretPerMonth = 0.40
)

// MonthlyCost estimates the storage price of the keys at a destination.
// API calls ($0.05 per 10,000 for Advanced parameters and for secrets, on
// the same pages) and KMS requests are not included.
func MonthlyCost(d Destination, keys map[string]KeyState) float64 {
	return d.impl().monthlyCost(keys)
}

func round2(f float64) float64 {
	return float64(int64(f*100+0.5)) / 100
}
