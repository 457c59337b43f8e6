package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/objectvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/float64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/dnscutover"
)

// The schema of heroku2aws_weighted_dns_record: the pair, the health gate
// and watch, and the health checks each side may own.

// gateResultTypes are the attributes of the computed gate_result.
var gateResultTypes = map[string]attr.Type{
	"requests":       types.Int64Type,
	"successes":      types.Int64Type,
	"success_ratio":  types.Float64Type,
	"p95_latency_ms": types.Int64Type,
	"checked_at":     types.StringType,
}

func (r *weightedDNSRecordResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	weight := func(side string) schema.Int64Attribute {
		return schema.Int64Attribute{
			MarkdownDescription: fmt.Sprintf("Weight of the %s record, 0 to 255. Its share of traffic is its weight over the "+
				"sum of both weights; if both are 0, traffic is split evenly. Required in this block.", side),
			Optional: true,
		}
	}
	setID := func(def string) schema.StringAttribute {
		return schema.StringAttribute{
			MarkdownDescription: fmt.Sprintf("Set identifier of the record. Defaults to `%s`.", def),
			Optional:            true,
			Computed:            true,
			Default:             stringdefault.StaticString(def),
		}
	}
	healthCheckID := schema.StringAttribute{
		MarkdownDescription: "Route 53 health check id. When the check fails, Route 53 stops sending traffic to this record. " +
			"Set it to attach a check you manage elsewhere, or set the `health_check` block instead (not both) and the " +
			"resource fills it with the id of the check it owns.",
		Optional: true,
		Computed: true,
		Validators: []validator.String{
			stringvalidator.ConflictsWith(path.MatchRelative().AtParent().AtName("health_check")),
		},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A pair of weighted Route 53 CNAME records that splits a hostname's traffic between a Heroku " +
			"app and its new home on AWS. Both records change together in one ChangeResourceRecordSets batch, so a " +
			"weight shift is never half applied, and both are read back to catch drift. An optional health `gate` probes " +
			"the AWS side before its weight rises, an optional `watch` probes it after the shift and puts the previous " +
			"weights back if it fails, and each side may own a Route 53 `health_check`.",
		Attributes: map[string]schema.Attribute{
			"id": computedResourceID("`<zone_id>_<name>_CNAME`, also the import id."),
			"zone_id": schema.StringAttribute{
				MarkdownDescription: "Id of the Route 53 hosted zone that holds `name`.",
				Required:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Hostname of the pair, such as `api.acme.com`. Must be below the zone apex: a CNAME is " +
					"not allowed at the apex.",
				Required:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"ttl": schema.Int64Attribute{
				MarkdownDescription: "TTL of both records in seconds. Defaults to `60`. Above 300 a warning explains that " +
					"rollbacks then take as long to reach clients.",
				Optional: true,
				Computed: true,
				Default:  int64default.StaticInt64(60),
			},
			"wait_for_sync": schema.BoolAttribute{
				MarkdownDescription: "Wait until Route 53 reports the change `INSYNC` (typically 40 to 120 seconds). " +
					"Defaults to `true`. A shift checked by `gate` always waits, since the watch starts at `INSYNC`.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
			},
			"heroku_traffic_percent": computedResourceFloat64("Share of traffic the Heroku record gets, in percent, by Route 53's rule."),
			"aws_traffic_percent":    computedResourceFloat64("Share of traffic the AWS record gets, in percent, by Route 53's rule."),
			"change_id":              computedResourceString("Id of the last Route 53 change."),
			"status":                 computedResourceString("Status of the last change: `PENDING` or `INSYNC`."),
			"gate_result":            gateResultAttribute(),
			"timeouts":               createUpdateDeleteTimeouts(ctx),
		},
		Blocks: map[string]schema.Block{
			"heroku": schema.SingleNestedBlock{
				MarkdownDescription: "The record that points at Heroku. Required.",
				Validators:          []validator.Object{objectvalidator.IsRequired()},
				Attributes: map[string]schema.Attribute{
					"target": schema.StringAttribute{
						MarkdownDescription: "The app's DNS target: `cname` of `heroku2aws_domains`, such as " +
							"`deep-owl-1234.herokudns.com`. Required in this block.",
						Optional: true,
					},
					"weight":          weight("Heroku"),
					"set_identifier":  setID("heroku"),
					"health_check_id": healthCheckID,
				},
				Blocks: map[string]schema.Block{
					"health_check": healthCheckBlock("Heroku"),
				},
			},
			"aws": schema.SingleNestedBlock{
				MarkdownDescription: "The record that points at AWS. Required. Set `target` or `alias`.",
				Validators:          []validator.Object{objectvalidator.IsRequired()},
				Attributes: map[string]schema.Attribute{
					"target": schema.StringAttribute{
						MarkdownDescription: "Hostname to point at, such as the load balancer's DNS name.",
						Optional:            true,
					},
					"weight":          weight("AWS"),
					"set_identifier":  setID("aws"),
					"health_check_id": healthCheckID,
				},
				Blocks: map[string]schema.Block{
					"alias": schema.SingleNestedBlock{
						MarkdownDescription: "Point at another record of the same hosted zone instead of `target`. The pair is " +
							"of type CNAME, and a CNAME alias can only target a record in its own zone; for a load balancer, " +
							"use `target`.",
						Attributes: map[string]schema.Attribute{
							"name": schema.StringAttribute{
								MarkdownDescription: "Name of the record to alias.",
								Optional:            true,
							},
							"zone_id": schema.StringAttribute{
								MarkdownDescription: "Its hosted zone: the pair's own `zone_id`.",
								Optional:            true,
							},
							"evaluate_target_health": schema.BoolAttribute{
								MarkdownDescription: "Route traffic only while the aliased record is healthy. Defaults to `false`.",
								Optional:            true,
								Computed:            true,
								Default:             booldefault.StaticBool(false),
							},
						},
					},
					"health_check": healthCheckBlock("AWS"),
				},
			},
			"gate": gateBlock(),
			"watch": schema.SingleNestedBlock{
				MarkdownDescription: "Keep probing the AWS side after a gated shift is `INSYNC`, with the `gate`'s target and " +
					"thresholds. If the thresholds fail, the previous weights are put back in one change batch and the apply " +
					"fails with what the watch saw; the state then holds the previous weights, so the next plan shows the " +
					"raise again. Needs `gate`. Only updates that raise the AWS weight are watched: a create has no previous " +
					"weights to return to.",
				Attributes: map[string]schema.Attribute{
					"duration": schema.StringAttribute{
						MarkdownDescription: fmt.Sprintf("How long to watch, a Go duration such as `5m`. Defaults to `%s`.",
							durationString(dnscutover.DefaultWatchDuration)),
						Optional: true,
						Computed: true,
						Default:  stringdefault.StaticString(durationString(dnscutover.DefaultWatchDuration)),
					},
					"requests": schema.Int64Attribute{
						MarkdownDescription: fmt.Sprintf("Requests spread evenly over `duration`, 1 to %d. Defaults to `%d`.",
							dnscutover.MaxGateRequests, dnscutover.DefaultWatchRequests),
						Optional: true,
						Computed: true,
						Default:  int64default.StaticInt64(dnscutover.DefaultWatchRequests),
					},
				},
			},
		},
	}
}

// gateBlock is the `gate` block: the probe of the AWS side before its
// weight rises.
func gateBlock() schema.SingleNestedBlock {
	return schema.SingleNestedBlock{
		MarkdownDescription: "Probe the AWS side before any apply that raises its weight (a create with an AWS weight " +
			"above 0 included): HTTP(S) requests to `path`, with `name` as the `Host` header and TLS server name, spread " +
			"over `duration`. If the success ratio or the p95 latency misses its threshold, nothing is changed and the " +
			"apply fails with the counts, the latency and the first failing responses (status or error, never a body). " +
			"Lowering the AWS weight, a rollback, is never gated.",
		Attributes: map[string]schema.Attribute{
			"scheme": schema.StringAttribute{
				MarkdownDescription: "`https` or `http`. Defaults to `https`.",
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(dnscutover.DefaultGateScheme),
			},
			"path": schema.StringAttribute{
				MarkdownDescription: "Path to request, starting with `/`, such as `/` or `/health`. Required in this block.",
				Optional:            true,
			},
			"port": schema.Int64Attribute{
				MarkdownDescription: "Port to connect to. Defaults to 443 for `https` and 80 for `http`.",
				Optional:            true,
			},
			"address": schema.StringAttribute{
				MarkdownDescription: "`host:port` to connect to instead of the AWS target, such as an internal load " +
					"balancer. The `Host` header and the TLS server name stay `name`.",
				Optional: true,
			},
			"requests": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("Requests to send, 1 to %d. Defaults to `%d`.", dnscutover.MaxGateRequests,
					dnscutover.DefaultGateRequests),
				Optional: true,
				Computed: true,
				Default:  int64default.StaticInt64(dnscutover.DefaultGateRequests),
			},
			"duration": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Time the requests are spread evenly over, a Go duration such as `30s`. "+
					"Defaults to `%s`. The probe stops early once its verdict is certain.", durationString(dnscutover.DefaultGateDuration)),
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString(durationString(dnscutover.DefaultGateDuration)),
			},
			"timeout": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Timeout of each request. Defaults to `%s`.", durationString(dnscutover.DefaultGateTimeout)),
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(durationString(dnscutover.DefaultGateTimeout)),
			},
			"min_success_ratio": schema.Float64Attribute{
				MarkdownDescription: fmt.Sprintf("Share of requests, 0 to 1, that must answer with a status in "+
					"`success_status`. Defaults to `%g`.", dnscutover.DefaultMinSuccessRatio),
				Optional: true,
				Computed: true,
				Default:  float64default.StaticFloat64(dnscutover.DefaultMinSuccessRatio),
			},
			"max_p95_latency": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Bound on the 95th percentile latency of all requests, failed ones "+
					"included. Defaults to `%s`.", durationString(dnscutover.DefaultMaxP95Latency)),
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString(durationString(dnscutover.DefaultMaxP95Latency)),
			},
			"success_status": schema.ListAttribute{
				MarkdownDescription: "HTTP statuses that count as success. Defaults to 200 to 399.",
				ElementType:         types.Int64Type,
				Optional:            true,
			},
			"insecure_skip_verify": schema.BoolAttribute{
				MarkdownDescription: "Accept any TLS certificate, for a target with a self-signed one. Defaults to `false`.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(false),
			},
		},
	}
}

// gateResultAttribute is the computed `gate_result`.
func gateResultAttribute() schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		MarkdownDescription: "What the last gate that ran saw; null until a gate has run. It changes only on an apply " +
			"that is gated.",
		Computed: true,
		Attributes: map[string]schema.Attribute{
			"requests":       computedResourceInt64("Requests that completed."),
			"successes":      computedResourceInt64("Requests that answered with a success status."),
			"success_ratio":  computedResourceFloat64("Successes over requests, 0 to 1."),
			"p95_latency_ms": computedResourceInt64("95th percentile latency, in milliseconds."),
			"checked_at":     computedResourceString("When the probe finished, RFC 3339."),
		},
	}
}

// healthCheckBlock is a side's `health_check` block: a Route 53 health
// check the resource owns.
func healthCheckBlock(side string) schema.SingleNestedBlock {
	fqdnDefault := "`target`"
	if side == "Heroku" {
		fqdnDefault += " (Heroku's router picks the app by the `Host` header, which Route 53 sets to `fqdn`: use the app's " +
			"`<app>.herokuapp.com` hostname, or a custom domain of the app that does not resolve through this pair)"
	}
	return schema.SingleNestedBlock{
		MarkdownDescription: fmt.Sprintf("A Route 53 health check that the resource creates and attaches to the %s record, "+
			"so that Route 53 itself stops answering with the record while the check fails. Conflicts with `health_check_id`. "+
			"The check is created before the record references it, updated in place, replaced (a new one attached, then the "+
			"old one deleted) when `type` or `request_interval` changes, and deleted after the record on destroy.", side),
		Attributes: map[string]schema.Attribute{
			"type": schema.StringAttribute{
				MarkdownDescription: "`HTTPS` or `HTTP`. Defaults to `HTTPS`. Changing it replaces the check.",
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(dnscutover.DefaultHealthCheckType),
			},
			"fqdn": schema.StringAttribute{
				MarkdownDescription: "Host name Route 53's checkers connect to and send as `Host` (and SNI). Defaults to " +
					fqdnDefault + ".",
				Optional: true,
				Computed: true,
			},
			"path": schema.StringAttribute{
				MarkdownDescription: "Path the checkers request, starting with `/`. Defaults to `/`.",
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString("/"),
			},
			"port": schema.Int64Attribute{
				MarkdownDescription: "Port, 1 to 65535. Defaults to 443 for `HTTPS` and 80 for `HTTP`.",
				Optional:            true,
			},
			"request_interval": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("Seconds between checks, %s. Defaults to `%d`. Route 53 cannot change it "+
					"on an existing check, so changing it replaces the check.", strings.Join([]string{"`10`", "`30`"}, " or "),
					dnscutover.DefaultHealthCheckRequestInterval),
				Optional: true,
				Computed: true,
				Default:  int64default.StaticInt64(dnscutover.DefaultHealthCheckRequestInterval),
			},
			"failure_threshold": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("Consecutive checks, 1 to 10, that change the status. Defaults to `%d`.",
					dnscutover.DefaultHealthCheckFailureThreshold),
				Optional: true,
				Computed: true,
				Default:  int64default.StaticInt64(dnscutover.DefaultHealthCheckFailureThreshold),
			},
		},
	}
}
