package inventory

import (
	"math"
	"strings"
)

// FargateSize is a task size that AWS Fargate accepts: CPU in units
// (1024 = 1 vCPU) and memory in MiB.
type FargateSize struct {
	CPU    int
	Memory int
	// Fits is false when the dyno is larger than the largest Fargate task;
	// CPU and Memory then hold that largest task.
	Fits bool
}

// fargateCPU lists every Fargate CPU size with the memory range (MiB) and
// step it allows, smallest first. Source: the "Task CPU and memory" table of
// the Amazon ECS developer guide.
var fargateCPU = []struct {
	cpu, minMem, maxMem, step int
}{
	{256, 512, 2048, 512}, // 512, 1024, 2048
	{512, 1024, 4096, 1024},
	{1024, 2048, 8192, 1024},
	{2048, 4096, 16384, 1024},
	{4096, 8192, 30720, 1024},
	{8192, 16384, 61440, 4096},
	{16384, 32768, 122880, 8192},
}

// DynoSpec is what a Heroku dyno size needs from a Fargate task.
type DynoSpec struct {
	// Name is the dyno size as Heroku spells it in the dashboard.
	Name string
	// MemoryGB is the dyno's RAM.
	MemoryGB float64
	// VCPU is the CPU the task should reserve, in vCPUs.
	VCPU float64
}

// DynoSpecs is the documented dyno size → Fargate requirement table. The
// memory is the dyno's RAM; the vCPU figure reserves what the dyno can
// actually use: a share of a core for the shared sizes, the dedicated cores
// for performance, private and shield sizes. Private and Shield dynos have
// the same resources as their Performance namesakes (S is Standard-2X).
var DynoSpecs = []DynoSpec{
	{Name: "eco", MemoryGB: 0.5, VCPU: 0.25},
	{Name: "basic", MemoryGB: 0.5, VCPU: 0.25},
	{Name: "standard-1X", MemoryGB: 0.5, VCPU: 0.5},
	{Name: "standard-2X", MemoryGB: 1, VCPU: 1},
	{Name: "performance-M", MemoryGB: 2.5, VCPU: 2},
	{Name: "performance-L", MemoryGB: 14, VCPU: 8},
	{Name: "performance-L-RAM", MemoryGB: 30, VCPU: 4},
	{Name: "performance-XL", MemoryGB: 62, VCPU: 8},
	{Name: "performance-2XL", MemoryGB: 126, VCPU: 16},
}

// LookupDynoSpec finds the table row for a dyno size name, ignoring case as
// Heroku does. Private-* and Shield-* sizes resolve to their Performance
// equivalents ("private-s" → standard-2X).
func LookupDynoSpec(size string) (DynoSpec, bool) {
	name := strings.ToLower(strings.TrimSpace(size))
	for _, prefix := range []string{"private-", "shield-"} {
		if rest, ok := strings.CutPrefix(name, prefix); ok {
			if rest == "s" {
				name = "standard-2x"
			} else {
				name = "performance-" + rest
			}
		}
	}
	for _, s := range DynoSpecs {
		if strings.ToLower(s.Name) == name {
			return s, true
		}
	}
	return DynoSpec{}, false
}

// SpecFromDynoSize derives a requirement for a dyno size missing from
// DynoSpecs, from the memory and compute that GET /dyno-sizes reports:
// dedicated sizes get one vCPU per compute unit, shared ones a quarter.
func SpecFromDynoSize(name string, memoryGB float64, compute int, dedicated bool) DynoSpec {
	vcpu := float64(compute) / 4
	if dedicated {
		vcpu = float64(compute)
	}
	return DynoSpec{Name: name, MemoryGB: memoryGB, VCPU: math.Max(vcpu, 0.25)}
}

// Fargate returns the smallest valid Fargate task that gives at least the
// spec's vCPU and memory.
func (s DynoSpec) Fargate() FargateSize {
	wantCPU := int(math.Ceil(s.VCPU * 1024))
	wantMem := int(math.Ceil(s.MemoryGB * 1024))
	for _, c := range fargateCPU {
		if c.cpu < wantCPU || c.maxMem < wantMem {
			continue
		}
		mem := c.minMem
		for mem < wantMem {
			mem += c.step
		}
		return FargateSize{CPU: c.cpu, Memory: mem, Fits: true}
	}
	largest := fargateCPU[len(fargateCPU)-1]
	return FargateSize{CPU: largest.cpu, Memory: largest.maxMem, Fits: false}
}
