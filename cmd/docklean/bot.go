package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/docklean/docklean/bot"
	"github.com/docklean/docklean/transform"
	"github.com/docklean/docklean/verify"
	"github.com/urfave/cli/v2"
)

var botCommand = &cli.Command{
	Name:      "bot",
	Usage:     "propose the rewrite of a git checkout as a GitHub pull request, and keep it up to date",
	ArgsUsage: "[DIR]",
	Description: "Finds the Dockerfiles of the checkout holding DIR (default: the current folder), rewrites\n" +
		"them as they are on the base branch, commits the result on the bot's branch, pushes it\n" +
		"with --force-with-lease and opens or updates one pull request. When nothing is left to\n" +
		"change, it closes its pull request and deletes the branch. Without a token (or with\n" +
		"--dry-run) it prints the branch, commit message, pull request and diff, and touches nothing.",
	Flags:  botFlags(),
	Action: botAction,
}

// botFlags are the bot's own flags and the rewrite settings (settingsFlags).
func botFlags() []cli.Flag {
	return append([]cli.Flag{
		&cli.BoolFlag{Name: "dry-run", Usage: "print what the bot would do and touch nothing (the default when there is no token)"},
		&cli.StringFlag{Name: "token-env", Usage: "environment variable holding the GitHub token", Value: "GITHUB_TOKEN"},
		&cli.StringFlag{Name: "branch", Usage: "the bot's branch", Value: bot.DefaultBranch},
		&cli.StringFlag{Name: "base", Usage: "branch to propose the change to (default: the checked-out branch)"},
		&cli.StringFlag{Name: "remote", Usage: "git remote to fetch from and push to", Value: "origin"},
		&cli.StringFlag{Name: "repo", Usage: "GitHub repository OWNER/NAME (default: read from the remote's URL)"},
		&cli.StringFlag{Name: "api-url", Usage: "GitHub API root, e.g. https://github.example.com/api/v3/ for GitHub Enterprise", Value: "https://api.github.com/"},
		&cli.StringFlag{Name: "author", Usage: "commit author and committer, \"Name <email>\"", Value: bot.DefaultAuthor},
		&cli.StringSliceFlag{Name: "label", Usage: "label for the pull request (repeatable; created if missing)", Value: cli.NewStringSlice(bot.DefaultLabel)},
		&cli.BoolFlag{Name: "allow-dirty", Usage: "run even if the working tree has uncommitted changes"},
		&cli.BoolFlag{Name: "measure", Usage: "build each changed Dockerfile before and after with the local Docker engine (as docklean verify does) and show the measured sizes instead of the estimate"},
	}, settingsFlags("base")...) // --base is the branch here; the config key base still picks the variant
}

// botAction runs the bot on the checkout holding the folder argument.
func botAction(c *cli.Context) error {
	if c.NArg() > 1 {
		return fmt.Errorf("bot takes one folder, got %d arguments", c.NArg())
	}
	dir := "."
	if c.NArg() == 1 {
		dir = c.Args().First()
	}
	set, err := newSettings(c)
	if err != nil {
		return err
	}
	cfgs, err := newConfigs(c.String("config"))
	if err != nil {
		return err
	}
	token := os.Getenv(c.String("token-env"))
	dry := c.Bool("dry-run")
	if !c.IsSet("dry-run") && token == "" {
		fmt.Fprintf(c.App.ErrWriter, "docklean: $%s is empty: dry run\n", c.String("token-env"))
		dry = true
	}
	return bot.Run(c.Context, bot.Config{
		Dir:        dir,
		Branch:     c.String("branch"),
		Base:       c.String("base"),
		Remote:     c.String("remote"),
		Repo:       c.String("repo"),
		APIURL:     c.String("api-url"),
		Token:      token,
		DryRun:     dry,
		AllowDirty: c.Bool("allow-dirty"),
		Author:     c.String("author"),
		Labels:     append([]string{}, splitNames(c.StringSlice("label"))...),
		Exclude:    cfgs.excluded,
		Rewrite: func(path string, src []byte) (*transform.Result, error) {
			cfg, err := cfgs.forFile(path)
			if err != nil {
				return nil, err
			}
			passes, opts, err := set.forJob(&job{path: path, cfg: cfg})
			if err != nil {
				return nil, err
			}
			return transform.Process(path, src, passes, opts)
		},
		Measure: measureFunc(c),
		Out:     c.App.Writer,
		Log:     c.App.ErrWriter,
	})
}

// measureFunc builds a file before and after with the local Docker engine
// when --measure is given, for the pull request's size line.
func measureFunc(c *cli.Context) func(path string, old, new []byte) (string, error) {
	if !c.Bool("measure") {
		return nil
	}
	return func(path string, old, new []byte) (string, error) {
		rep, err := (&verify.Docker{}).Verify(c.Context, verify.Config{Original: old, Rewritten: new, Context: filepath.Dir(path)})
		if err != nil {
			return "", err
		}
		if !rep.Rewritten.Build.OK {
			return "", fmt.Errorf("the rewritten file did not build: %s", rep.Rewritten.Build.Step)
		}
		return rep.Summary(), nil
	}
}
