package dev.terrarium.requirements;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Pep508RequirementTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiterString = " -> ",
            textBlock =
                    """
            requests                                          -> requests
            Zope.Interface                                    -> zope-interface
            oslo__concurrency                                 -> oslo-concurrency
            '  requests  '                                    -> requests
            requests[Socks,security]                          -> requests[security,socks]
            requests[ socks , socks ]                         -> requests[socks]
            requests[Socks_Proxy.Extra]                       -> requests[socks-proxy-extra]
            requests[]                                        -> requests
            requests >= 2.31 , < 3                            -> requests<3,>=2.31
            requests (>=2.31,<3)                              -> requests<3,>=2.31
            requests<3,>=2.31,                                -> requests<3,>=2.31
            requests>=2.31,>=2.31                             -> requests>=2.31
            requests==1.0-ALPHA.1                             -> requests==1.0a1
            requests>=v01.02                                  -> requests>=1.2
            requests==1.0-1                                   -> requests==1.0.post1
            requests==1.0rev                                  -> requests==1.0.post0
            requests==1.0c1                                   -> requests==1.0rc1
            requests==1.0.DEV                                 -> requests==1.0.dev0
            requests==0!1.0                                   -> requests==1.0
            requests==2!1.0                                   -> requests==2!1.0
            requests!=1.0.*                                   -> requests!=1.0.*
            requests==1.0+Ubuntu-01_A                         -> requests==1.0+ubuntu.1.a
            requests~=2.31.0                                  -> requests~=2.31.0
            requests===Foo-1                                  -> requests===Foo-1
            requests;python_version>='3.8'                    -> requests; python_version >= "3.8"
            requests ; os.name == "posix"                     -> requests; os_name == "posix"
            requests; python_implementation == "CPython"      -> requests; platform_python_implementation == "CPython"
            requests; extra == 'Socks_Proxy'                  -> requests; extra == "socks-proxy"
            requests; "Dev.Tools" in dependency_groups        -> requests; "dev-tools" in dependency_groups
            requests; os_name == 'say "hi"'                   -> requests; os_name == 'say "hi"'
            requests; sys_platform not  in 'win32 cygwin'     -> requests; sys_platform not in "win32 cygwin"
            requests; os_name == "b" and os_name == "a"       -> requests; os_name == "a" and os_name == "b"
            requests; os_name == "a" and os_name == "a"       -> requests; os_name == "a"
            requests; ((os_name == "a"))                      -> requests; os_name == "a"
            requests; os_name == "c" or os_name == "a" and os_name == "b"     -> requests; os_name == "a" and os_name == "b" or os_name == "c"
            requests; (os_name == "c" or os_name == "a") and os_name == "b"   -> requests; (os_name == "a" or os_name == "c") and os_name == "b"
            requests; os_name=="a"or(os_name=="b"or os_name=="c")             -> requests; os_name == "a" or os_name == "b" or os_name == "c"
            pip @ https://example.com/pip.whl                 -> pip @ https://example.com/pip.whl
            Pip[Extra]@https://example.com/pip.whl  ;os_name=="nt"   -> pip[extra] @ https://example.com/pip.whl ; os_name == "nt"
            pip @ git+https://github.com/pypa/pip.git@v23.0   -> pip @ git+https://github.com/pypa/pip.git@v23.0
            pip @ git+ssh://git@github.com/pypa/pip.git@v23.0 -> pip @ git+ssh://git@github.com/pypa/pip.git@v23.0
            pip @ git+ssh://github.com:2222/pypa/pip.git      -> pip @ git+ssh://github.com:2222/pypa/pip.git
            requests[socks]>=2.31,<3; python_version >= "3.8" -> requests[socks]<3,>=2.31; python_version >= "3.8"
            """)
    void printsTheCanonicalForm(String text, String canonical) {
        assertThat(Pep508Requirement.parse(text).canonical()).isEqualTo(canonical);
    }

    @Test
    void canonicalFormParsesBackToItself() {
        for (String text :
                List.of(
                        "requests[security,socks]<3,>=2.31; python_version >= \"3.8\"",
                        "pip @ https://example.com/pip.whl ; os_name == \"nt\"",
                        "x; (os_name == \"a\" or os_name == \"c\") and os_name == \"b\"")) {
            assertThat(Pep508Requirement.parse(text).canonical()).isEqualTo(text);
        }
    }

    @Test
    void exposesTheParts() {
        Pep508Requirement requirement =
                Pep508Requirement.parse("Requests[Socks] >= 2.31, <3 ; extra == 'x'");
        assertThat(requirement.name()).isEqualTo("requests");
        assertThat(requirement.extras()).containsExactly("socks");
        assertThat(requirement.specifiers())
                .containsExactly(new Pep440Specifier("<", "3"), new Pep440Specifier(">=", "2.31"));
        assertThat(requirement.specifierText()).isEqualTo("<3,>=2.31");
        assertThat(requirement.url()).isNull();
        assertThat(requirement.marker()).isInstanceOf(Pep508Marker.Comparison.class);
        assertThat(Pep508Requirement.normalizeName("A.B__c--D")).isEqualTo("a-b-c-d");
    }

    @ParameterizedTest(name = "{0}: {1} at column {2}")
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
            requests>>2                   | expected a version specifier after "requests"                        | 9
            requests>=2,<<3               | expected a version specifier after ","                               | 13
            requests>=2.*                 | invalid version specifier ">=2.*": .* can only follow == or !=        | 9
            requests~=2                   | invalid version specifier "~=2": ~= needs a version with at least two components, such as ~=1.4 | 9
            requests>=2+local             | invalid version specifier ">=2+local": a local version label (+...) can only follow == or != | 9
            requests==2.0a1.*             | invalid version specifier "==2.0a1.*": .* cannot follow a pre-, post-, dev or local part, nor an operator other than == or != | 9
            requests=2.31                 | expected a version specifier after "requests" (use == for an exact version) | 9
            requests 2.31                 | expected a version specifier, ";" or the end after "requests"        | 10
            requests; rm -rf /            | expected a marker variable or a quoted string after ";"              | 11
            requests && curl x            | expected a version specifier, ";" or the end after "requests" (shell metacharacters have no place here) | 10
            requests$(id)                 | expected a version specifier, ";" or the end after "requests" (shell metacharacters have no place here) | 9
            ''                            | expected a package name, found the end                               | 1
            requests[socks                | expected "]" to close the extras after "socks", found the end        | 15
            requests[a b]                 | expected "," between extras after "a"                                | 12
            requests; python_version      | expected a marker operator (<, <=, ==, !=, >=, >, ~=, ===, in, not in) after "python_version", found the end | 25
            requests; os_name == "a" and  | expected a marker variable or a quoted string after "and", found the end | 29
            requests; (os_name == "a"     | expected ")" to close the marker expression after "\\"a\\"", found the end | 26
            requests; os_name notin "a"   | expected a marker operator (<, <=, ==, !=, >=, >, ~=, ===, in, not in) after "os_name" | 19
            pip @ https://x/p.whl extra   | expected ";" after the URL and a space                               | 23
            """)
    void refusesWithAPosition(String text, String reason, int column) {
        SpecSyntaxException error =
                catchThrowableOfType(
                        () -> Pep508Requirement.parse(text), SpecSyntaxException.class);
        assertThat(error).as(text).isNotNull();
        assertThat(error.reason()).isEqualTo(reason);
        assertThat(error.column()).isEqualTo(column);
        assertThat(error.deliberate()).isFalse();
    }

    @Test
    void plainHttpIsAcceptedToALoopbackHostOnly() {
        assertThat(Pep508Requirement.parse("pkg @ git+http://127.0.0.1:8731/pkg.git@main").url())
                .isEqualTo("git+http://127.0.0.1:8731/pkg.git@main");
        assertThat(Pep508Requirement.parse("pkg @ http://localhost/pkg-1.0.tar.gz").url())
                .isEqualTo("http://localhost/pkg-1.0.tar.gz");
        assertThat(
                        catchThrowableOfType(
                                        () ->
                                                Pep508Requirement.parse(
                                                        "pkg @ git+http://127.0.0.1.example.com/pkg.git"),
                                        SpecSyntaxException.class)
                                .reason())
                .startsWith("URLs must start with https://, git+https:// or git+ssh://");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
            pip @ ftp://example.com/pip.whl              | URLs must start with https://, git+https:// or git+ssh:// (http:// and git+http:// only to 127.0.0.1, localhost or [::1]: plain http can be tampered with on the way)
            pip @ git+ssh://git:pw@github.com/pypa/pip   | credentials in URLs are not allowed
            pip @ git+ssh://a@b@github.com/pypa/pip      | credentials in URLs are not allowed
            pip @ ./pip.whl                              | URLs must start with https://, git+https:// or git+ssh:// (http:// and git+http:// only to 127.0.0.1, localhost or [::1]: plain http can be tampered with on the way)
            pip @ http://example.com/pip.whl             | URLs must start with https://, git+https:// or git+ssh:// (http:// and git+http:// only to 127.0.0.1, localhost or [::1]: plain http can be tampered with on the way)
            pip @ git+http://example.com/pip             | URLs must start with https://, git+https:// or git+ssh:// (http:// and git+http:// only to 127.0.0.1, localhost or [::1]: plain http can be tampered with on the way)
            pkg @ file:///etc/passwd                     | file: URLs are not allowed: a build cannot read the user's files, only web and git URLs
            pkg @ FILE:///etc/passwd                     | file: URLs are not allowed: a build cannot read the user's files, only web and git URLs
            pkg @ file:etc/passwd                        | file: URLs are not allowed: a build cannot read the user's files, only web and git URLs
            pkg @ git+file:///srv/repo                   | file: URLs are not allowed: a build cannot read the user's files, only web and git URLs
            pip @ https://example.com/$(id).whl          | "$" is not allowed in a URL
            pip @ https://example.com/`id`.whl           | "`" is not allowed in a URL
            pip @ https://example.com/"x".whl            | "\"" is not allowed in a URL
            pip @ https://example.com/100%.whl           | "%" in a URL must start a %XX escape
            pip @ https://user:pw@example.com/pip.whl    | credentials in URLs are not allowed
            pip @ https:///pip.whl                       | the URL has no host
            requests===$HOME                             | "$" is not allowed in a === version
            requests; os_name == "${HOME}"               | "$" is not allowed in marker strings
            """)
    void refusesOnPurpose(String text, String reason) {
        SpecSyntaxException error =
                catchThrowableOfType(
                        () -> Pep508Requirement.parse(text), SpecSyntaxException.class);
        assertThat(error).as(text).isNotNull();
        assertThat(error.reason()).isEqualTo(reason);
        assertThat(error.deliberate()).isTrue();
    }

    @Test
    void refusesBackslashesNewlinesAndControlCharactersOnPurpose() {
        for (String text :
                List.of(
                        "requests; os_name == \"a\\\\b\"",
                        "requests\n",
                        "requests\t>=2",
                        "requests; os_name == \"\u00e9\"",
                        "requests\u0000")) {
            SpecSyntaxException error =
                    catchThrowableOfType(
                            () -> Pep508Requirement.parse(text), SpecSyntaxException.class);
            assertThat(error).as(Violation.quote(text)).isNotNull();
            assertThat(error.deliberate()).isTrue();
        }
    }

    @Test
    void allowsMarkerNestingUpToTheLimitOfPackaging() {
        String deepest = "x; " + "(".repeat(200) + "os_name == \"a\"" + ")".repeat(200);
        assertThat(Pep508Requirement.parse(deepest).canonical()).isEqualTo("x; os_name == \"a\"");
        String tooDeep = "x; " + "(".repeat(201) + "os_name == \"a\"" + ")".repeat(201);
        assertThat(
                        catchThrowableOfType(
                                        () -> Pep508Requirement.parse(tooDeep),
                                        SpecSyntaxException.class)
                                .reason())
                .isEqualTo("markers are nested more than 200 levels deep");
    }
}
