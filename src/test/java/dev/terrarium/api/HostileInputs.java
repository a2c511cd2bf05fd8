package dev.terrarium.api;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Hostile objects as a table, one apply each: names no derived object could take, durations and
 * quantities out of bounds, inputs that would mean something else (YAML tags, file: URLs), and pod
 * settings the API server refuses in the children. Each row says who refuses it and which field the
 * refusal names.
 */
final class HostileInputs {

    /** Who refuses an object. */
    enum RefusedBy {
        /** The API server, at apply: the CRD's schema or CEL rules. */
        APISERVER,
        /** The operator: the Environment becomes Invalid with reason InvalidSpec. */
        OPERATOR,
        /**
         * The API server, when the operator writes a child (a Deployment, a Job): the object shows
         * Ready=False with reason ReconcileError and the server's message.
         */
        RECONCILE
    }

    /**
     * One hostile object.
     *
     * @param id the test's name for it
     * @param kind Environment or Workload (or ImageBuild)
     * @param name metadata.name
     * @param refusedBy who refuses it
     * @param field what the refusal's message must contain: the field, as the refuser names it
     * @param spec the spec, as YAML in flow style
     */
    record Case(
            String id, String kind, String name, RefusedBy refusedBy, String field, String spec) {

        String manifest() {
            return "apiVersion: terrarium.dev/v1alpha1\nkind: "
                    + kind
                    + "\nmetadata:\n  name: \""
                    + name
                    + "\"\nspec: "
                    + spec
                    + "\n";
        }
    }

    private static final String PIP = "pip: [requests]";
    private static final String IMAGE = "image: nginx:1.27";
    private static final String SHA = "0123456789abcdef".repeat(4);

    private HostileInputs() {}

    static List<Case> all() {
        List<Case> cases = new ArrayList<>();
        names(cases);
        timeouts(cases);
        resources(
                cases,
                "Environment",
                "env",
                "spec.build.resources",
                res -> "{" + PIP + ", build: {resources: " + res + "}}");
        resources(
                cases,
                "Workload",
                "wl",
                "spec.resources",
                res -> "{" + IMAGE + ", resources: " + res + "}");
        ports(cases);
        workloadFields(cases);
        environmentFields(cases);
        meanings(cases);
        packageIndexes(cases);
        children(cases);
        return List.copyOf(cases);
    }

    private static void api(
            List<Case> cases, String id, String kind, String name, String field, String spec) {
        cases.add(new Case(id, kind, name, RefusedBy.APISERVER, field, spec));
    }

    private static void env(List<Case> cases, String id, String field, String spec) {
        api(cases, id, "Environment", "h-" + id, field, spec);
    }

    private static void wl(List<Case> cases, String id, String field, String spec) {
        api(cases, id, "Workload", "h-" + id, field, spec);
    }

    private static void operator(List<Case> cases, String id, String field, String spec) {
        cases.add(new Case(id, "Environment", "h-" + id, RefusedBy.OPERATOR, field, spec));
    }

    /**
     * Package indexes: the schema refuses what spec.pipIndexes cannot hold, the operator the same
     * URLs written inside a file.
     */
    private static void packageIndexes(List<Case> cases) {
        String[][] urls = {
            {"index-file-url", "file:///srv/wheels"},
            {"index-http-remote", "http://mirror.example.com/simple"},
            {"index-http-loopback-lookalike", "http://127.0.0.1.example.com/simple"},
            {"index-userinfo", "https://user:secret@private.example.com/simple"},
            {"index-token-userinfo", "https://token@private.example.com/simple"},
            {"index-variable", "https://private.example.com/${TOKEN}/simple"},
            {"index-too-long", "https://example.com/" + "a".repeat(500)},
        };
        for (String[] row : urls) {
            env(
                    cases,
                    row[0],
                    "spec.pipIndexes.extraIndexUrls[0].url",
                    "{" + PIP + ", pipIndexes: {extraIndexUrls: [{url: \"" + row[1] + "\"}]}}");
        }
        env(
                cases,
                "index-url-http-remote",
                "spec.pipIndexes.indexUrl.url",
                "{"
                        + PIP
                        + ", pipIndexes: {indexUrl: {url: \"http://mirror.example.com/simple\"}}}");
        env(
                cases,
                "find-links-file",
                "spec.pipIndexes.findLinks[0].url",
                "{" + PIP + ", pipIndexes: {findLinks: [{url: \"file:///srv/wheels\"}]}}");
        StringBuilder many = new StringBuilder();
        for (int i = 0; i <= 10; i++) {
            many.append(i == 0 ? "" : ", ")
                    .append("{url: \"https://i")
                    .append(i)
                    .append(".example.com/s\"}");
        }
        env(
                cases,
                "index-too-many",
                "spec.pipIndexes.extraIndexUrls",
                "{" + PIP + ", pipIndexes: {extraIndexUrls: [" + many + "]}}");
        env(
                cases,
                "index-twice",
                "spec.pipIndexes.extraIndexUrls",
                "{"
                        + PIP
                        + ", pipIndexes: {extraIndexUrls: [{url: \"https://a.example.com/s\"}, "
                        + "{url: \"https://a.example.com/s\"}]}}");
        env(
                cases,
                "index-secret-name",
                "spec.pipIndexes.extraIndexUrls[0].secretName",
                "{"
                        + PIP
                        + ", pipIndexes: {extraIndexUrls: [{url: \"https://a.example.com/s\", "
                        + "secretName: \"Not_A_Name\"}]}}");
        operator(
                cases,
                "requirements-index-http-remote",
                "spec.files.requirementsTxt line 1",
                "{files: {requirementsTxt: \"--extra-index-url http://mirror.example.com/simple\\nrequests\\n\"}}");
        operator(
                cases,
                "requirements-index-userinfo",
                "spec.files.requirementsTxt line 1",
                "{files: {requirementsTxt: \"-i https://u:p@mirror.example.com/simple\\nrequests\\n\"}}");
        operator(
                cases,
                "requirements-two-index-urls",
                "spec.files.requirementsTxt line 2",
                "{files: {requirementsTxt: \"-i https://a.example.com/simple\\n-i https://b.example.com/simple\\nrequests\\n\"}}");
        operator(
                cases,
                "yml-pip-repository-file-url",
                "spec.files.environmentYml pip-repositories[0]",
                "{files: {environmentYml: \"pip-repositories: [\\\"file:///srv/wheels\\\"]\\ndependencies:\\n  - pip:\\n    - six\\n\"}}");
    }

    private static void names(List<Case> cases) {
        for (int length : new int[] {64, 100, 250, 253}) {
            api(
                    cases,
                    "env-name-" + length,
                    "Environment",
                    "e".repeat(length),
                    "metadata.name",
                    "{" + PIP + "}");
            api(
                    cases,
                    "wl-name-" + length,
                    "Workload",
                    "w".repeat(length),
                    "metadata.name",
                    "{" + IMAGE + "}");
        }
        api(
                cases,
                "env-name-dotted-70",
                "Environment",
                "a".repeat(30) + "." + "b".repeat(39),
                "metadata.name",
                "{" + PIP + "}");
        for (String name : new String[] {"1web", "9-lives", "web.api", "0", "a.b.c"}) {
            api(
                    cases,
                    "wl-service-name-" + name.replace('.', '-'),
                    "Workload",
                    name,
                    "metadata.name",
                    "{" + IMAGE + ", ports: [{name: http, containerPort: 80}]}");
        }
        api(
                cases,
                "ib-name-53",
                "ImageBuild",
                "i".repeat(53),
                "metadata.name",
                "{environment: ds, specHash: "
                        + SHA
                        + ", repository: registry.test/envs, resolved: {manager: venv, python: \"3.12\", baseImage: "
                        + "\"python:3.12-slim\"}, build: {}}");
    }

    private static void timeouts(List<Case> cases) {
        String[] tooLong = {
            "25h", "24h1s", "1441m", "86401s", "99999h", "999999h", "9999999h", "100000000s"
        };
        String[] notPositive = {"0s", "0h0m0s", "0m"};
        String[] malformed = {
            "1d", "-1h", "1.5h", "30", "1m30h", "h", "1h 30m", "PT1H", "1H", "30min"
        };
        int index = 0;
        for (String[] group : new String[][] {tooLong, notPositive, malformed}) {
            for (String timeout : group) {
                env(
                        cases,
                        "timeout-" + index++ + "-" + slug(timeout),
                        "spec.build.timeout",
                        "{" + PIP + ", build: {timeout: \"" + timeout + "\"}}");
            }
        }
    }

    private static void resources(
            List<Case> cases,
            String kind,
            String prefix,
            String field,
            java.util.function.Function<String, String> spec) {
        String[][] refused = {
            {"cpu-negative", "{requests: {cpu: \"-1\"}}"},
            {"cpu-zero", "{requests: {cpu: \"0\"}}"},
            {"cpu-negative-milli", "{limits: {cpu: \"-500m\"}}"},
            {"cpu-int-negative", "{requests: {cpu: -2}}"},
            {"memory-zero-gi", "{limits: {memory: \"0Gi\"}}"},
            {"memory-negative", "{requests: {memory: \"-1Gi\"}}"},
            {"memory-words", "{requests: {memory: \"lots\"}}"},
            {"memory-bad-suffix", "{limits: {memory: \"1Zi\"}}"},
            {"memory-empty", "{limits: {memory: \"\"}}"},
            {"unknown-resource", "{requests: {gpu: \"1\"}}"},
            {"request-above-limit", "{requests: {cpu: \"2\"}, limits: {cpu: \"1\"}}"},
            {
                "memory-request-above-limit",
                "{requests: {memory: \"2Gi\"}, limits: {memory: \"1Gi\"}}"
            },
        };
        for (String[] row : refused) {
            String id = prefix + "-resources-" + row[0];
            api(cases, id, kind, "h-" + id, field, spec.apply(row[1]));
        }
    }

    private static void ports(List<Case> cases) {
        String[][] refused = {
            {"port-name-digits", "spec.ports[0].name", "[{name: \"80\", containerPort: 80}]"},
            {
                "port-name-double-dash",
                "spec.ports[0].name",
                "[{name: web--api, containerPort: 80}]"
            },
            {"port-name-upper", "spec.ports[0].name", "[{name: Web, containerPort: 80}]"},
            {
                "port-name-too-long",
                "spec.ports[0].name",
                "[{name: abcdefghijklmnop, containerPort: 80}]"
            },
            {"port-name-empty", "spec.ports[0].name", "[{name: \"\", containerPort: 80}]"},
            {"port-zero", "spec.ports[0].containerPort", "[{name: http, containerPort: 0}]"},
            {
                "port-too-high",
                "spec.ports[0].containerPort",
                "[{name: http, containerPort: 65536}]"
            },
            {
                "service-port-too-high",
                "spec.ports[0].port",
                "[{name: http, containerPort: 80, port: 70000}]"
            },
            {
                "protocol-http",
                "spec.ports[0].protocol",
                "[{name: http, containerPort: 80, protocol: HTTP}]"
            },
            {"port-without-number", "spec.ports[0].containerPort", "[{name: http}]"},
            {"port-without-name", "spec.ports[0].name", "[{containerPort: 80}]"},
        };
        for (String[] row : refused) {
            wl(cases, "wl-" + row[0], row[1], "{" + IMAGE + ", ports: " + row[2] + "}");
        }
    }

    private static void workloadFields(List<Case> cases) {
        wl(cases, "wl-replicas-too-many", "spec.replicas", "{" + IMAGE + ", replicas: 1001}");
        wl(
                cases,
                "wl-backoff-too-high",
                "spec.backoffLimit",
                "{" + IMAGE + ", mode: Job, backoffLimit: 101}");
        wl(
                cases,
                "wl-backoff-negative",
                "spec.backoffLimit",
                "{" + IMAGE + ", mode: Job, backoffLimit: -1}");
        wl(cases, "wl-working-dir-empty", "spec.workingDir", "{" + IMAGE + ", workingDir: \"\"}");
        wl(cases, "wl-image-upper-case", "spec.image", "{image: \"Nginx/Web:1\"}");
        wl(cases, "wl-image-short-digest", "spec.image", "{image: \"nginx@sha256:abc\"}");
        wl(cases, "wl-image-shell", "spec.image", "{image: \"nginx;id\"}");
        wl(cases, "wl-environment-upper", "spec.environment", "{environment: Data_Science}");
        wl(
                cases,
                "wl-service-account-upper",
                "spec.serviceAccountName",
                "{" + IMAGE + ", serviceAccountName: Default}");
        wl(cases, "wl-mode-cron", "spec.mode", "{" + IMAGE + ", mode: Cron}");
        wl(
                cases,
                "wl-node-selector-too-many",
                "spec.nodeSelector",
                "{" + IMAGE + ", nodeSelector: " + manyPairs(33) + "}");
        wl(cases, "wl-replicas-string", "spec.replicas", "{" + IMAGE + ", replicas: \"two\"}");
        wl(cases, "wl-suspend-string", "spec.suspend", "{" + IMAGE + ", suspend: \"yes\"}");
        wl(cases, "wl-command-not-list", "spec.command", "{" + IMAGE + ", command: \"sh -c id\"}");
        wl(
                cases,
                "wl-pull-secret-upper",
                "spec.imagePullSecrets[0]",
                "{" + IMAGE + ", imagePullSecrets: [Registry_Creds]}");
        wl(
                cases,
                "wl-pull-secrets-too-many",
                "spec.imagePullSecrets",
                "{" + IMAGE + ", imagePullSecrets: [" + numbered("s", 17) + "]}");
        probes(cases);
        volumes(cases);
    }

    private static void environmentFields(List<Case> cases) {
        env(cases, "python-major-only", "spec.python", "{" + PIP + ", python: \"3\"}");
        env(cases, "python-two", "spec.python", "{" + PIP + ", python: \"2.7\"}");
        env(cases, "python-four-parts", "spec.python", "{" + PIP + ", python: \"3.12.1.1\"}");
        env(cases, "python-prefixed", "spec.python", "{" + PIP + ", python: \"python3.12\"}");
        env(cases, "manager-pip", "spec.manager", "{" + PIP + ", manager: pip}");
        env(
                cases,
                "channel-upper",
                "spec.channels[0]",
                "{packages: [numpy], channels: [Conda-Forge]}");
        env(
                cases,
                "channel-file-url",
                "spec.channels",
                "{packages: [numpy], channels: [\"file:///srv/chan\"]}");
        env(
                cases,
                "channel-plain-http-url",
                "spec.channels",
                "{packages: [numpy], channels: " + "[\"http://repo.example/conda\"]}");
        env(
                cases,
                "channel-url-with-password",
                "spec.channels",
                "{packages: [numpy], channels: " + "[\"https://u:pw@repo.example/conda\"]}");
        env(
                cases,
                "channel-url-with-dollar",
                "spec.channels[0]",
                "{packages: [numpy], channels: " + "[\"https://repo.example/${TOKEN}\"]}");
        operator(
                cases,
                "channel-url-with-token",
                "spec.channels[0]",
                "{packages: [numpy], channels: " + "[\"https://repo.example/t/tk-1/conda\"]}");
        env(
                cases,
                "channel-credentials-twice",
                "spec.channelCredentials",
                "{packages: [numpy], channels: [\"https://repo.example/conda\"], "
                        + "channelCredentials: [{url: \"https://repo.example/conda\", secretName: a}, "
                        + "{url: \"https://repo.example/conda\", secretName: b}]}");
        env(
                cases,
                "channel-credentials-no-secret",
                "spec.channelCredentials[0].secretName",
                "{packages: [numpy], channels: [\"https://repo.example/conda\"], "
                        + "channelCredentials: [{url: \"https://repo.example/conda\"}]}");
        operator(
                cases,
                "channel-credentials-not-a-channel",
                "spec.channelCredentials[0].url",
                "{packages: [numpy], channels: [conda-forge], "
                        + "channelCredentials: [{url: \"https://repo.example/conda\", secretName: a}]}");
        env(
                cases,
                "channel-traversal",
                "spec.channels[0]",
                "{packages: [numpy], channels: [\"../../etc\"]}");
        env(cases, "system-space", "spec.system[0]", "{" + PIP + ", system: [\"curl wget\"]}");
        env(cases, "system-semicolon", "spec.system[0]", "{" + PIP + ", system: [\"curl;id\"]}");
        env(cases, "system-option", "spec.system[0]", "{" + PIP + ", system: [\"-y\"]}");
        env(cases, "pip-item-too-long", "spec.pip[0]", "{pip: [\"" + "p".repeat(513) + "\"]}");
        env(
                cases,
                "base-image-too-long",
                "spec.baseImage",
                "{" + PIP + ", baseImage: \"" + "b".repeat(513) + "\"}");
        env(
                cases,
                "build-node-selector-too-many",
                "spec.build.nodeSelector",
                "{" + PIP + ", build: {nodeSelector: " + manyPairs(33) + "}}");
        env(
                cases,
                "build-strategy-docker",
                "spec.build.strategy",
                "{" + PIP + ", build: {strategy: docker}}");
        env(cases, "pip-not-a-list", "spec.pip", "{pip: requests}");
        env(
                cases,
                "pylock-with-conda",
                "files.pylockToml needs manager: venv",
                "{manager: conda, files: {pylockToml: \"lock-version = '1.0'\"}}");
        env(
                cases,
                "pylock-beside-requirements",
                "exactly one of environmentYml, requirementsTxt, pylockToml, condaExplicit or "
                        + "condaLockYml",
                "{files: {pylockToml: \"lock-version = '1.0'\", requirementsTxt: requests}}");
        env(
                cases,
                "conda-explicit-with-venv",
                "files.condaExplicit and files.condaLockYml need manager: conda",
                "{manager: venv, files: {condaExplicit: \"@EXPLICIT\"}}");
        env(
                cases,
                "conda-lock-with-python",
                "files.condaExplicit and files.condaLockYml need manager: conda",
                "{python: \"3.12\", files: {condaLockYml: \"version: 1\"}}");
        env(
                cases,
                "conda-explicit-beside-conda-lock",
                "exactly one of environmentYml, requirementsTxt, pylockToml, condaExplicit or "
                        + "condaLockYml",
                "{files: {condaExplicit: \"@EXPLICIT\", condaLockYml: \"version: 1\"}}");
        env(
                cases,
                "pylock-too-long",
                "spec.files.pylockToml",
                "{files: {pylockToml: \"" + "#".repeat(262145) + "\"}}");
    }

    /**
     * Inputs that parse, but would mean something other than what they seem: the operator refuses
     * them.
     */
    private static void meanings(List<Case> cases) {
        String[][] pip = {
            {"pip-file-url", "pkg @ file:///etc/passwd"},
            {"pip-file-url-upper", "pkg @ FILE:///etc/passwd"},
            {"pip-file-url-relative", "pkg @ file:etc/passwd"},
            {"pip-git-file-url", "pkg @ git+file:///srv/repo"},
            {"pip-ftp-url", "pkg @ ftp://files.example/pkg.whl"},
            {"pip-credentials-url", "pkg @ https://user:secret@files.example/pkg.whl"},
            {"pip-url-substitution", "pkg @ https://files.example/$(id).whl"},
            {"pip-index-option", "--index-url https://evil.example/simple"},
            {"pip-editable", "-e ./src"},
            {"pip-local-path", "./pkg.whl"},
        };
        for (String[] row : pip) {
            operator(cases, row[0], "spec.pip[0]", "{pip: [\"" + row[1] + "\"]}");
        }
        operator(
                cases,
                "requirements-file-url",
                "spec.files.requirementsTxt",
                "{files: {requirementsTxt: \"requests\\npkg @ file:///etc/passwd\\n\"}}");
        operator(
                cases,
                "requirements-find-links",
                "spec.files.requirementsTxt",
                "{files: {requirementsTxt: \"--find-links file:///srv/wheels\\nrequests\\n\"}}");
        operator(
                cases,
                "yml-pip-file-url",
                "spec.files.environmentYml",
                "{files: {environmentYml: \"dependencies:\\n  - pip:\\n    - pkg @ file:///etc/passwd\\n\"}}");
        operator(
                cases,
                "yml-channel-file-url",
                "spec.files.environmentYml",
                "{files: {environmentYml: \"channels:\\n  - file:///srv/chan\\ndependencies: [numpy]\\n\"}}");
        operator(
                cases,
                "yml-channel-plain-http-url",
                "spec.files.environmentYml",
                "{files: {environmentYml: \"channels:\\n  - http://repo.example/conda\\ndependencies: [numpy]\\n\"}}");
        String[][] tags = {
            {
                "yml-tag-python-apply",
                "dependencies: !!python/object/apply:os.system ['id']\\n",
                "line 1"
            },
            {
                "yml-tag-python-name",
                "dependencies:\\n  - !!python/name:os.system numpy\\n",
                "line 2"
            },
            {
                "yml-tag-python-object",
                "name: x\\ndependencies:\\n  - numpy\\n  - !!python/object:os.Popen {}\\n",
                "line 4"
            },
            {"yml-tag-str", "dependencies:\\n  - !!str numpy\\n", "line 2"},
            {"yml-tag-binary", "prefix: !!binary aGVsbG8=\\ndependencies: [numpy]\\n", "line 1"},
            {
                "yml-tag-custom",
                "channels: !custom [conda-forge]\\ndependencies: [numpy]\\n",
                "line 1"
            },
            {"yml-tag-set", "dependencies: !!set {numpy: null}\\n", "line 1"},
            {
                "yml-tag-in-pip",
                "dependencies:\\n  - pip:\\n    - !!python/object/new:os.system [id]\\n",
                "line 3"
            },
        };
        for (String[] row : tags) {
            cases.add(
                    new Case(
                            row[0],
                            "Environment",
                            "h-" + row[0],
                            RefusedBy.OPERATOR,
                            "spec.files.environmentYml: " + row[2],
                            "{files: {environmentYml: \"" + row[1] + "\"}}"));
        }
        String wheel =
                "https://files.example.com/six-1.16.0-py2.py3-none-any.whl\", hashes = { sha256 = \""
                        + SHA
                        + "\" } }]";
        String[][] locks = {
            {
                "pylock-file-url",
                "7",
                "{ url = \"file:///etc/passwd\", hashes = { sha256 = \"" + SHA + "\" } }]"
            },
            {"pylock-http-url", "7", "{ url = \"http://" + wheel.substring("https://".length())},
            {
                "pylock-credentials-url",
                "7",
                "{ url = \"https://user:secret@" + wheel.substring("https://".length())
            },
            {
                "pylock-local-path",
                "7",
                "{ path = \"/srv/wheels/six.whl\", hashes = { sha256 = \"" + SHA + "\" } }]"
            },
            {
                "pylock-no-hash",
                "4",
                "{ url = \"https://files.example.com/six-1.16.0-py2.py3-none-any.whl\" }]"
            },
            {
                "pylock-md5",
                "7",
                "{ url = \"https://files.example.com/six-1.16.0-py2.py3-none-any.whl\", hashes = { md5 = \""
                        + SHA.substring(32)
                        + "\" } }]"
            },
        };
        for (String[] row : locks) {
            operator(
                    cases,
                    row[0],
                    "spec.files.pylockToml line " + row[1],
                    pylockSpec(
                            "lock-version = \"1.0\"\ncreated-by = \"x\"\n\n[[packages]]\nname = \"six\"\n"
                                    + "version = \"1.16.0\"\nwheels = ["
                                    + row[2]
                                    + "\n"));
        }
        operator(
                cases,
                "pylock-directory",
                "spec.files.pylockToml line 3",
                pylockSpec(
                        "lock-version = \"1.0\"\ncreated-by = \"x\"\n[[packages]]\nname = \"mine\"\n"
                                + "directory = { path = \"/home/me/src\" }\n"));
        operator(
                cases,
                "pylock-not-toml",
                "spec.files.pylockToml line 2",
                pylockSpec("lock-version = \"1.0\"\ncreated-by = \"x\" \"y\"\n"));
        String md5 = "#d7c89558ba9fa0495403155b64376d81";
        String[][] explicit = {
            {"conda-explicit-http", "http://conda.example.com/main/linux-64/a-1-0.conda" + md5},
            {"conda-explicit-file-url", "file:///srv/chan/linux-64/a-1-0.conda" + md5},
            {
                "conda-explicit-credentials",
                "https://user:secret@conda.example.com/main/linux-64/a-1-0.conda" + md5
            },
            {
                "conda-explicit-bad-hash",
                "https://conda.example.com/main/linux-64/a-1-0.conda#sha256:12"
            },
            {"conda-explicit-osx", "https://conda.example.com/main/osx-64/a-1-0.conda" + md5},
            {
                "conda-explicit-shell",
                "https://conda.example.com/main/linux-64/$(id)-1-0.conda" + md5
            },
        };
        for (String[] row : explicit) {
            operator(
                    cases,
                    row[0],
                    "spec.files.condaExplicit line 2",
                    "{files: {condaExplicit: \"@EXPLICIT\\n" + row[1] + "\\n\"}}");
        }
        operator(
                cases,
                "conda-lock-no-linux-64",
                "no package for linux-64",
                "{files: {condaLockYml: \"version: 1\\npackage:\\n- name: a\\n  manager: conda\\n"
                        + "  platform: osx-64\\n  url: https://conda.example.com/osx-64/a-1-0.conda\\n"
                        + "  hash: {md5: d7c89558ba9fa0495403155b64376d81}\\n\"}}");
        operator(
                cases,
                "python-huge-minor",
                "spec.python",
                "{" + PIP + ", python: \"3.99999999999\"}");
        operator(
                cases,
                "conda-url-channel",
                "spec.packages[0]",
                "{packages: [\"file:///srv/chan::numpy\"]}");
        operator(cases, "conda-shell", "spec.packages[0]", "{packages: [\"numpy;id\"]}");
    }

    /**
     * Settings the schema admits but the API server refuses in the Deployment the operator writes.
     */
    private static void children(List<Case> cases) {
        String[][] refused = {
            {
                "toleration-operator",
                "tolerations[0].operator",
                "tolerations: [{key: gpu, operator: Bogus, effect: NoSchedule}]"
            },
            {"node-selector-key", "nodeSelector", "nodeSelector: {\"bad key!\": x}"},
            {
                "run-as-negative-user",
                "securityContext.runAsUser",
                "securityContext: {runAsUser: -1}"
            },
            {"env-name-with-equals", "env[0].name", "env: [{name: \"A=B\", value: x}]"},
            {
                "env-value-and-value-from",
                "env[0].valueFrom",
                "env: [{name: A, value: x, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]"
            },
        };
        for (String[] row : refused) {
            cases.add(
                    new Case(
                            "wl-child-" + row[0],
                            "Workload",
                            "h-wl-child-" + row[0],
                            RefusedBy.RECONCILE,
                            row[1],
                            "{" + IMAGE + ", " + row[2] + "}"));
        }
    }

    private static void probes(List<Case> cases) {
        String[][] refused = {
            {
                "two-handlers",
                "spec.probes.readiness",
                "{readiness: {tcpSocket: {port: 80}, exec: {command: [true]}}}"
            },
            {"no-handler", "spec.probes.readiness", "{readiness: {periodSeconds: 5}}"},
            {
                "liveness-success-two",
                "probes.liveness.successThreshold",
                "{liveness: {tcpSocket: {port: 80}, successThreshold: 2}}"
            },
            {
                "period-zero",
                "spec.probes.readiness.periodSeconds",
                "{readiness: {tcpSocket: {port: 80}, periodSeconds: 0}}"
            },
            {
                "delay-negative",
                "spec.probes.startup.initialDelaySeconds",
                "{startup: {tcpSocket: {port: 80}, initialDelaySeconds: -5}}"
            },
            {
                "port-too-high",
                "spec.probes.readiness.tcpSocket.port",
                "{readiness: {tcpSocket: {port: 70000}}}"
            },
            {
                "port-name-shell",
                "spec.probes.readiness.httpGet.port",
                "{readiness: {httpGet: {port: \"http;id\"}}}"
            },
            {
                "path-relative",
                "spec.probes.readiness.httpGet.path",
                "{readiness: {httpGet: {port: 80, path: healthz}}}"
            },
            {"grpc-port-zero", "spec.probes.liveness.grpc.port", "{liveness: {grpc: {port: 0}}}"},
        };
        for (String[] row : refused) {
            wl(cases, "wl-probe-" + row[0], row[1], "{" + IMAGE + ", probes: " + row[2] + "}");
        }
    }

    private static void volumes(List<Case> cases) {
        String scratch = "volumes: [{name: a, emptyDir: {}}], volumeMounts: [{name: a, mountPath: ";
        String[][] refused = {
            {
                "host-path",
                "spec.volumes[0].hostPath",
                "volumes: [{name: host, hostPath: {path: /etc}}]"
            },
            {"mount-over-venv", "spec.volumeMounts[0].mountPath", scratch + "/opt/venv}]"},
            {"mount-over-opt", "spec.volumeMounts[0].mountPath", scratch + "/opt}]"},
            {"mount-inside-conda", "spec.volumeMounts[0].mountPath", scratch + "/opt/conda/lib}]"},
            {
                "mount-inside-terrarium",
                "spec.volumeMounts[0].mountPath",
                scratch + "/opt/terrarium/tools}]"
            },
            {"mount-root", "spec.volumeMounts[0].mountPath", scratch + "/}]"},
            {"mount-relative", "spec.volumeMounts[0].mountPath", scratch + "data}]"},
            {
                "mount-dot-dot-into-venv",
                "spec.volumeMounts[0].mountPath",
                scratch + "/data/../opt/venv}]"
            },
            {
                "mount-undeclared",
                "spec.volumeMounts",
                "volumes: [{name: a, emptyDir: {}}], volumeMounts: [{name: b, mountPath: /b}]"
            },
            {
                "mount-path-twice",
                "spec.volumeMounts",
                "volumes: [{name: a, emptyDir: {}}, {name: b, emptyDir: {}}], volumeMounts: "
                        + "[{name: a, mountPath: /x}, {name: b, mountPath: /x}]"
            },
            {
                "volume-names-duplicate",
                "spec.volumes",
                "volumes: [{name: a, emptyDir: {}}, {name: a, secret: {secretName: s}}]"
            },
            {"volume-name-upper", "spec.volumes[0].name", "volumes: [{name: Data, emptyDir: {}}]"},
            {"volume-no-source", "spec.volumes[0]", "volumes: [{name: a}]"},
            {
                "volume-two-sources",
                "spec.volumes[0]",
                "volumes: [{name: a, emptyDir: {}, configMap: {name: c}}]"
            },
            {
                "volumes-100",
                "spec.volumes",
                "volumes: ["
                        + IntStream.range(0, 100)
                                .mapToObj(i -> "{name: v" + i + ", emptyDir: {}}")
                                .collect(Collectors.joining(", "))
                        + "]"
            },
            {
                "empty-dir-negative",
                "spec.volumes[0].emptyDir.sizeLimit",
                "volumes: [{name: a, emptyDir: {sizeLimit: \"-1Gi\"}}]"
            },
            {
                "empty-dir-medium",
                "spec.volumes[0].emptyDir.medium",
                "volumes: [{name: a, emptyDir: {medium: HugePages}}]"
            },
            {
                "claim-negative",
                "spec.volumes[0].claim.size",
                "volumes: [{name: a, claim: {size: \"-10Gi\"}}]"
            },
            {
                "claim-zero",
                "spec.volumes[0].claim.size",
                "volumes: [{name: a, claim: {size: \"0\"}}]"
            },
            {
                "claim-when-deleted",
                "spec.volumes[0].claim.whenDeleted",
                "volumes: [{name: a, claim: {size: 1Gi, whenDeleted: Recycle}}]"
            },
            {"claim-in-job", "spec.volumes", "mode: Job, volumes: [{name: a, claim: {size: 1Gi}}]"},
            {
                "claim-with-replicas",
                "spec.volumes",
                "replicas: 3, volumes: [{name: a, claim: {size: 1Gi}}]"
            },
            {
                "two-claims",
                "spec.volumes",
                "volumes: [{name: a, claim: {size: 1Gi}}, {name: b, claim: {size: 1Gi}}]"
            },
            {
                "item-path-traversal",
                "spec.volumes[0].configMap.items[0].path",
                "volumes: [{name: a, configMap: {name: c, items: [{key: k, path: ../../etc/x}]}}]"
            },
            {
                "item-path-absolute",
                "spec.volumes[0].secret.items[0].path",
                "volumes: [{name: a, secret: {secretName: s, items: [{key: k, path: /etc/x}]}}]"
            },
            {
                "secret-mode-too-high",
                "spec.volumes[0].secret.defaultMode",
                "volumes: [{name: a, secret: {secretName: s, defaultMode: 4095}}]"
            },
            {
                "claim-name-shell",
                "spec.volumes[0].persistentVolumeClaim.claimName",
                "volumes: [{name: a, persistentVolumeClaim: {claimName: \"data;id\"}}]"
            },
        };
        for (String[] row : refused) {
            wl(cases, "wl-volume-" + row[0], row[1], "{" + IMAGE + ", " + row[2] + "}");
        }
        wl(
                cases,
                "wl-probe-port-name-unknown",
                "spec.probes.readiness.httpGet.port",
                "{"
                        + IMAGE
                        + ", ports: [{name: http, containerPort: 80}], probes: {readiness: "
                        + "{httpGet: {port: web}}}}");
        wl(
                cases,
                "wl-probe-port-name-without-ports",
                "spec.probes.liveness.tcpSocket.port",
                "{" + IMAGE + ", probes: {liveness: {tcpSocket: {port: http}}}}");
    }

    /** An Environment spec with this pylock.toml, as a YAML double-quoted string. */
    private static String pylockSpec(String toml) {
        return "{files: {pylockToml: \""
                + toml.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")
                + "\"}}";
    }

    private static String numbered(String prefix, int count) {
        return IntStream.range(0, count)
                .mapToObj(i -> prefix + i)
                .collect(Collectors.joining(", "));
    }

    private static String manyPairs(int count) {
        return IntStream.range(0, count)
                .mapToObj(i -> "k" + i + ": v")
                .collect(Collectors.joining(", ", "{", "}"));
    }

    private static String slug(String text) {
        String slug =
                text.toLowerCase(java.util.Locale.ROOT)
                        .replaceAll("[^a-z0-9]+", "-")
                        .replaceAll("^-|-$", "");
        return slug.isEmpty() ? "x" : slug;
    }
}
