package cli

import (
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/petitmonde/chargedesk/api/localstate"
	"github.com/petitmonde/chargedesk/model"
)

// The shell completion of flag values: the closed lists of the model (statuses,
// connector types, token strategies, cities) and the profiles of the config
// file. Nothing here asks the API: a <TAB> must not spend the team's requests.

type completer = func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective)

// matching keeps the candidates that start with what was typed (any case),
// each with its description.
func matching(toComplete string, candidates [][2]string) ([]cobra.Completion, cobra.ShellCompDirective) {
	var out []cobra.Completion
	seen := map[string]bool{}
	for _, c := range candidates {
		if seen[c[0]] || !strings.HasPrefix(strings.ToLower(c[0]), strings.ToLower(toComplete)) {
			continue
		}
		seen[c[0]] = true
		out = append(out, cobra.CompletionWithDesc(c[0], c[1]))
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

func completeStatuses(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	var c [][2]string
	for _, s := range model.Statuses {
		c = append(c, [2]string{string(s), s.Info().Meaning})
	}
	return matching(toComplete, c)
}

// completeConnectorTypes offers the OCPI names and the short names of the
// tables (CCS, T2 …), which --connector takes too.
func completeConnectorTypes(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	var c [][2]string
	for _, ct := range model.AllConnectorTypes {
		c = append(c, [2]string{string(ct), ct.Label()})
	}
	for _, ct := range model.AllConnectorTypes {
		if ct.Short() != string(ct) {
			c = append(c, [2]string{ct.Short(), ct.Label()})
		}
	}
	return matching(toComplete, c)
}

func completeStrategies(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	var c [][2]string
	for _, s := range model.TokenStrategies {
		c = append(c, [2]string{string(s), s.Label()})
	}
	return matching(toComplete, c)
}

// completePlaces offers the gazetteer's places for what has been typed,
// each as the label that resolves to it; with nothing typed, the big
// cities.
func completePlaces(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	var out []cobra.Completion
	if strings.TrimSpace(toComplete) == "" {
		for _, city := range model.Cities {
			out = append(out, cobra.CompletionWithDesc(city.Name, "city"))
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
	ps := model.SuggestPlaces(toComplete, 20)
	names := map[string]int{}
	for _, p := range ps {
		names[p.Name]++
	}
	for _, p := range ps {
		// The name where it is the only one of the list, else the label
		// that tells namesakes apart (and resolves to the one).
		v := p.Name
		if names[p.Name] > 1 {
			v = p.Label
		}
		out = append(out, cobra.CompletionWithDesc(v, model.JoinNonEmpty(", ", p.Kind, p.Region)))
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// completeProfiles offers the profiles of the config file, each with its
// base URL (never its key).
func completeProfiles(env Env) completer {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		fc, _, err := localstate.LoadFile(localstate.ConfigPath(env.Getenv))
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		names := make([]string, 0, len(fc.Profiles))
		for name := range fc.Profiles {
			names = append(names, name)
		}
		sort.Strings(names)
		var c [][2]string
		for _, name := range names {
			c = append(c, [2]string{name, model.SanitizeLine(fc.Profiles[name].BaseURL)})
		}
		return matching(toComplete, c)
	}
}
