// Reference renders of the Ollama Modelfile TEMPLATEs that `unlearn export` writes, with Go's own text/template (the
// engine Ollama runs) and Ollama's way of filling it (template.Execute: system messages collated into .System and
// kept in .Messages; consecutive same-role messages joined by "\n\n"; .Prompt for templates without .Messages).
// Never used by the product or at test time.
//
//   go run ollama_templates.go CONVERSATIONS.json OUT.json Modelfile...
//
// CONVERSATIONS.json: [{"system": "...", "messages": [{"role": "user", "content": "..."}, ...]}, ...]
// OUT.json: {"<Modelfile path>": {"template": "...", "stops": [...], "renders": ["...", ...]}}
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"text/template"
)

type message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

type conversation struct {
	Messages []message `json:"messages"`
}

type result struct {
	Template string   `json:"template"`
	Stops    []string `json:"stops"`
	Renders  []string `json:"renders"`
}

var templateRe = regexp.MustCompile(`(?s)TEMPLATE """(.*?)"""`)
var stopRe = regexp.MustCompile(`(?m)^PARAMETER stop "(.*)"$`)

// collate as Ollama's template.Execute does before rendering.
func collate(msgs []message) (string, []*message) {
	var system []string
	var collated []*message
	for i := range msgs {
		msg := msgs[i]
		if msg.Role == "system" {
			system = append(system, msg.Content)
		}
		if len(collated) > 0 && collated[len(collated)-1].Role == msg.Role {
			collated[len(collated)-1].Content += "\n\n" + msg.Content
		} else {
			collated = append(collated, &msg)
		}
	}
	return strings.Join(system, "\n\n"), collated
}

func main() {
	if len(os.Args) < 4 {
		fmt.Fprintln(os.Stderr, "usage: go run ollama_templates.go CONVERSATIONS.json OUT.json Modelfile...")
		os.Exit(2)
	}
	raw, err := os.ReadFile(os.Args[1])
	check(err)
	var conversations []conversation
	check(json.Unmarshal(raw, &conversations))
	out := map[string]result{}
	for _, path := range os.Args[3:] {
		text, err := os.ReadFile(path)
		check(err)
		match := templateRe.FindSubmatch(text)
		if match == nil {
			check(fmt.Errorf("%s: no TEMPLATE", path))
		}
		body := string(match[1])
		tmpl, err := template.New("t").Parse(body)
		check(err)
		var stops []string
		for _, s := range stopRe.FindAllStringSubmatch(string(text), -1) {
			stops = append(stops, s[1])
		}
		r := result{Template: body, Stops: stops}
		for _, c := range conversations {
			system, messages := collate(c.Messages)
			prompt := ""
			for _, m := range c.Messages {
				if m.Role == "user" {
					prompt = m.Content
				}
			}
			var b strings.Builder
			check(tmpl.Execute(&b, map[string]any{"System": system, "Messages": messages, "Prompt": prompt, "Response": ""}))
			r.Renders = append(r.Renders, b.String())
		}
		out[filepath.Base(filepath.Dir(path))] = r
	}
	encoded, err := json.MarshalIndent(out, "", " ")
	check(err)
	check(os.WriteFile(os.Args[2], append(encoded, '\n'), 0o644))
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
