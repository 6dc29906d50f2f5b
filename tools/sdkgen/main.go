// Command sdkgen writes the TypeScript (nodejs), Python and Go SDKs of the provider from its schema.json with
// Pulumi's own code generators (github.com/pulumi/pulumi/pkg/v3/codegen), the same calls the language hosts
// make for `pulumi package gen-sdk`, which needs host binaries that cannot be had here.
//
//	sdkgen SCHEMA OUT_DIR [LANGUAGE...]   (languages: nodejs python go; default all three)
//
// Each language's files land in OUT_DIR/<language>. The schema is bound afresh per language (the generators
// write their language's settings back into the bound package). The Go SDK also gets a go.mod of its own: its
// module is the folder above the import base path (language.go.importBasePath), and the Python SDK a copy of
// its README.md beside pyproject.toml (which names it).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"

	"github.com/blang/semver"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// pulumiGoSDK is the version of github.com/pulumi/pulumi/sdk/v3 the Go SDK's go.mod requires (the CLI's).
const pulumiGoSDK = "v3.259.0"

// noLoader refuses every package: the schema refers to no other package, so the generators never ask.
type noLoader struct{}

func (noLoader) LoadPackage(pkg string, _ *semver.Version) (*schema.Package, error) {
	return nil, fmt.Errorf("sdkgen: the schema refers to package %q; only self-contained schemas are supported", pkg)
}

func (l noLoader) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return l.LoadPackage(d.Name, d.Version)
}

func (l noLoader) LoadPackageReference(pkg string, v *semver.Version) (schema.PackageReference, error) {
	_, err := l.LoadPackage(pkg, v)
	return nil, err
}

func (l noLoader) LoadPackageReferenceV2(_ context.Context, d *schema.PackageDescriptor) (schema.PackageReference, error) {
	_, err := l.LoadPackage(d.Name, d.Version)
	return nil, err
}

func bind(spec []byte) (*schema.Package, error) {
	var ps schema.PackageSpec
	if err := json.Unmarshal(spec, &ps); err != nil {
		return nil, fmt.Errorf("reading the schema: %w", err)
	}
	pkg, diags, err := schema.BindSpec(ps, noLoader{}, schema.ValidationOptions{})
	if err != nil {
		return nil, err
	}
	if diags.HasErrors() {
		return nil, fmt.Errorf("the schema does not bind: %s", diags.Error())
	}
	return pkg, nil
}

func generate(language string, spec []byte) (map[string][]byte, error) {
	pkg, err := bind(spec)
	if err != nil {
		return nil, err
	}
	switch language {
	case "nodejs":
		return nodejs.GeneratePackage("pulumi-language-nodejs", pkg, nil, nil, false, noLoader{})
	case "python":
		files, err := python.GeneratePackage("pulumi-language-python", pkg, nil, noLoader{})
		if err != nil {
			return nil, err
		}
		// pyproject.toml names a README.md beside it; the generator writes it inside the package folder only.
		// A copy beside pyproject.toml lets `pip install sdk/python` and `python -m build` work on the folder.
		info, _ := pkg.Language["python"].(python.PackageInfo)
		if readme, ok := files[path.Join(info.PackageName, "README.md")]; ok {
			if _, exists := files["README.md"]; !exists {
				files["README.md"] = readme
			}
		}
		return files, nil
	case "go":
		files, err := gogen.GeneratePackage("pulumi-language-go", pkg, nil)
		if err != nil {
			return nil, err
		}
		if _, ok := files["go.mod"]; !ok {
			info, _ := pkg.Language["go"].(gogen.GoPackageInfo)
			if info.ImportBasePath == "" {
				return nil, errors.New("the schema sets no language.go.importBasePath: the Go SDK's module path comes from it")
			}
			files["go.mod"] = []byte(fmt.Sprintf("module %s\n\ngo 1.25\n\nrequire github.com/pulumi/pulumi/sdk/v3 %s\n",
				path.Dir(info.ImportBasePath), pulumiGoSDK))
		}
		return files, nil
	}
	return nil, fmt.Errorf("unknown language %q (nodejs, python or go)", language)
}

func write(dir string, files map[string][]byte) error {
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, files[name], 0o644); err != nil {
			return err
		}
	}
	return nil
}

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: sdkgen SCHEMA OUT_DIR [nodejs|python|go...]")
		os.Exit(2)
	}
	spec, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "sdkgen:", err)
		os.Exit(1)
	}
	languages := os.Args[3:]
	if len(languages) == 0 {
		languages = []string{"nodejs", "python", "go"}
	}
	for _, language := range languages {
		files, err := generate(language, spec)
		if err == nil {
			err = write(filepath.Join(os.Args[2], language), files)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "sdkgen: %s: %v\n", language, err)
			os.Exit(1)
		}
	}
}
