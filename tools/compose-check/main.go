// compose-check validates a compose file without Docker: it loads the file with the
// compose-spec reference library (the loader behind `docker compose config`), so the
// file is checked against the Compose JSON schema, interpolated from the environment
// it is given (plus a .env beside the file, as Docker Compose does), has its relative
// paths resolved, is normalised and passes the consistency checks (depends_on,
// networks, volumes, ...). On success it prints the service names, one per line;
// on an invalid file it prints the loader's error and exits 1.
//
// Usage: go run . [-format names|yaml|json] [-env-file FILE]... compose.yml [override.yml ...]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sort"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	format := flag.String("format", "names", "output on success: names (service names), yaml or json (the normalised project)")
	var envFiles []string
	flag.Func("env-file", "an env file for interpolation instead of the .env beside the compose file (repeatable)", func(s string) error {
		envFiles = append(envFiles, s)
		return nil
	})
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: compose-check [flags] compose.yml [more.yml ...]\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(context.Background(), flag.Args(), envFiles, *format); err != nil {
		fmt.Fprintf(os.Stderr, "compose-check: %v\n", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, files, envFiles []string, format string) error {
	options, err := cli.NewProjectOptions(files,
		cli.WithOsEnv,
		cli.WithEnvFiles(envFiles...), // none given: the .env beside the first file, if any
		cli.WithDotEnv,
		cli.WithInterpolation(true),
		cli.WithResolvedPaths(true),
		cli.WithNormalization(true),
		cli.WithConsistency(true),
	)
	if err != nil {
		return err
	}
	project, err := options.LoadProject(ctx)
	if err != nil {
		return err
	}
	switch format {
	case "names":
		names := project.ServiceNames()
		sort.Strings(names)
		for _, name := range names {
			fmt.Println(name)
		}
	case "yaml":
		out, err := project.MarshalYAML()
		if err != nil {
			return err
		}
		os.Stdout.Write(out)
	case "json":
		out, err := project.MarshalJSON()
		if err != nil {
			return err
		}
		fmt.Println(string(out))
	default:
		return fmt.Errorf("unknown -format %q (names, yaml or json)", format)
	}
	return nil
}
