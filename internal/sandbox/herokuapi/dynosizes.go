package herokuapi

// DefaultDynoSizes returns the dyno sizes a fixture gets when it lists none:
// Heroku's current sizes with their memory (GB), minimum vCPUs ("compute"),
// dedication and Enterprise dyno units, after the Dev Center "Dyno Types"
// table. Names are matched case-insensitively, as Heroku does, so a formation
// may say "standard-1x" or "Standard-1X". IDs are derived from the names.
func DefaultDynoSizes() []DynoSize {
	return []DynoSize{
		{Name: "Eco", Memory: 0.5, Compute: 1},
		{Name: "Basic", Memory: 0.5, Compute: 1},
		{Name: "Standard-1X", Memory: 0.5, Compute: 1, DynoUnits: 1},
		{Name: "Standard-2X", Memory: 1, Compute: 2, DynoUnits: 2},
		{Name: "Performance-M", Memory: 2.5, Compute: 2, Dedicated: true, DynoUnits: 8},
		{Name: "Performance-L", Memory: 14, Compute: 8, Dedicated: true, DynoUnits: 16},
		{Name: "Performance-L-RAM", Memory: 30, Compute: 4, Dedicated: true, DynoUnits: 24},
		{Name: "Performance-XL", Memory: 62, Compute: 8, Dedicated: true, DynoUnits: 48},
		{Name: "Performance-2XL", Memory: 126, Compute: 16, Dedicated: true, DynoUnits: 96},
		{Name: "Private-S", Memory: 1, Compute: 2, Dedicated: true, PrivateSpaceOnly: true, DynoUnits: 2},
		{Name: "Private-M", Memory: 2.5, Compute: 2, Dedicated: true, PrivateSpaceOnly: true, DynoUnits: 8},
		{Name: "Private-L", Memory: 14, Compute: 8, Dedicated: true, PrivateSpaceOnly: true, DynoUnits: 16},
		{Name: "Shield-S", Memory: 1, Compute: 2, Dedicated: true, PrivateSpaceOnly: true, DynoUnits: 2},
		{Name: "Shield-M", Memory: 2.5, Compute: 2, Dedicated: true, PrivateSpaceOnly: true, DynoUnits: 8},
		{Name: "Shield-L", Memory: 14, Compute: 8, Dedicated: true, PrivateSpaceOnly: true, DynoUnits: 16},
	}
}

// defaultFormationSize is the size of a process type whose fixture names
// none, as on Heroku.
const defaultFormationSize = "standard-1X"
