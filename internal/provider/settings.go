package provider

import (
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/heroku2aws/terraform-provider-heroku2aws/internal/netrc"
)

// Environment variables and defaults, the same names the official Heroku
// provider and CLI use.
const (
	envAPIKey         = "HEROKU_API_KEY"
	envAPIURL         = "HEROKU_API_URL"
	envDataAPIURL     = "HEROKU_DATA_API_URL"
	defaultAPIURL     = "https://api.heroku.com"
	defaultDataAPIURL = "https://api.data.heroku.com"
	netrcMachine      = "api.heroku.com"
)

// settings are the provider settings after the environment fallbacks.
type settings struct {
	apiKey       string
	apiKeySource string // "config", "env", "netrc" or "" (none): logged, never the key
	apiURL       string
	dataAPIURL   string
}

func envLookup(name string) string { return os.Getenv(name) }

// netrcLookup returns the Heroku CLI's stored token and the file it came
// from.
func netrcLookup() (string, string, error) {
	p := netrc.DefaultPath()
	pw, ok, err := netrc.Password(p, netrcMachine)
	if err != nil || !ok {
		return "", p, err
	}
	return pw, p, nil
}

// resolveSettings applies the fallbacks of DESIGN.md §3: configuration, then
// environment, then ~/.netrc for the key, then the defaults.
func resolveSettings(cfg providerModel, env func(string) string, netrcFn func() (string, string, error)) (settings, diag.Diagnostics) {
	var s settings
	var diags diag.Diagnostics

	switch {
	case cfg.HerokuAPIKey.ValueString() != "":
		s.apiKey, s.apiKeySource = cfg.HerokuAPIKey.ValueString(), "config"
	case env(envAPIKey) != "":
		s.apiKey, s.apiKeySource = strings.TrimSpace(env(envAPIKey)), "env"
	default:
		key, file, err := netrcFn()
		if err != nil {
			diags.AddWarning("Unreadable Netrc File",
				fmt.Sprintf("The provider could not read %s to find the Heroku API key that `heroku login` stores there: %s. "+
					"Set heroku_api_key or %s instead if Heroku objects are used.", file, err, envAPIKey))
		}
		if key != "" {
			s.apiKey, s.apiKeySource = key, "netrc"
		}
	}

	s.apiURL = pick(cfg.HerokuAPIURL.ValueString(), env(envAPIURL), defaultAPIURL)
	s.dataAPIURL = pick(cfg.HerokuDataAPIURL.ValueString(), env(envDataAPIURL), defaultDataAPIURL)
	for _, u := range []struct{ attr, env, value string }{
		{"heroku_api_url", envAPIURL, s.apiURL},
		{"heroku_data_api_url", envDataAPIURL, s.dataAPIURL},
	} {
		if err := checkBaseURL(u.value); err != nil {
			diags.AddAttributeError(path.Root(u.attr), "Invalid Heroku API URL",
				fmt.Sprintf("The value %q (from %s or the %s environment variable) is not a usable base URL: %s. "+
					"Use an absolute http or https URL such as %s.", u.value, u.attr, u.env, err, defaultAPIURL))
		}
	}
	s.apiURL = strings.TrimRight(s.apiURL, "/")
	s.dataAPIURL = strings.TrimRight(s.dataAPIURL, "/")
	return s, diags
}

func pick(values ...string) string {
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

func checkBaseURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("the scheme must be http or https")
	}
	if u.Host == "" {
		return fmt.Errorf("the host is missing")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("a base URL takes no query or fragment")
	}
	return nil
}
