package dev.terrarium.requirements;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CondaMatchSpecTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiterString = " -> ",
            textBlock =
                    """
            numpy                                   -> numpy
            NumPy                                   -> numpy
            '  numpy  '                             -> numpy
            _libgcc_mutex                           -> _libgcc_mutex
            numpy==1.26.4                           -> numpy ==1.26.4
            numpy 1.26.4                            -> numpy ==1.26.4
            numpy == 1.26.4                         -> numpy ==1.26.4
            numpy=1.26                              -> numpy 1.26.*
            numpy =1.26                             -> numpy 1.26.*
            numpy 1.26.*                            -> numpy 1.26.*
            numpy 1.26*                             -> numpy 1.26.*
            numpy==1.26.*                           -> numpy 1.26.*
            python=3.12.*                           -> python 3.12.*
            numpy>=1.26,<2                          -> numpy <2,>=1.26
            numpy >=1.26,<2                         -> numpy <2,>=1.26
            numpy >= 1.26 , < 2                     -> numpy <2,>=1.26
            numpy<2,>=1.26                          -> numpy <2,>=1.26
            numpy>=1.26,>=1.26                      -> numpy >=1.26
            numpy ~=1.26.2                          -> numpy ~=1.26.2
            numpy !=1.26.*                          -> numpy !=1.26.*
            numpy 1!2.0                             -> numpy ==1!2.0
            numpy 1.0RC1                            -> numpy ==1.0rc1
            numpy=1.26=py312_0                      -> numpy ==1.26 py312_0
            numpy==1.26=py312_0                     -> numpy ==1.26 py312_0
            numpy 1.26 py312_0                      -> numpy ==1.26 py312_0
            numpy 1.26 =py312_0                     -> numpy ==1.26 py312_0
            numpy=1.26.* py312*                     -> numpy 1.26.* py312*
            numpy >=1.26,<2 py312_0                 -> numpy <2,>=1.26 py312_0
            numpy * py312_0                         -> numpy * py312_0
            numpy *                                 -> numpy
            numpy=*                                 -> numpy
            numpy 1.26.4 *                          -> numpy ==1.26.4
            numpy 1.2|1.3                           -> numpy ==1.2|==1.3
            numpy 1.3 | 1.2                         -> numpy ==1.2|==1.3
            numpy=1.11.1|1.11.3                     -> numpy 1.11.1.*|==1.11.3
            numpy >=1.4,<1.5|1.2.*                  -> numpy 1.2.*|<1.5,>=1.4
            numpy 1.2|*                             -> numpy
            numpy 1.26,*                            -> numpy ==1.26
            conda-forge::numpy=1.26                 -> conda-forge::numpy 1.26.*
            Conda-Forge::NumPy                      -> conda-forge::numpy
            conda-forge/linux-64::numpy             -> conda-forge/linux-64::numpy
            conda-forge/noarch::numpy 1.26.*        -> conda-forge/noarch::numpy 1.26.*
            pkgs/main::numpy                        -> pkgs/main::numpy
            numpy[version='>=1.26',build=py*]       -> numpy >=1.26 py*
            numpy[version=">=1.26,<2"]              -> numpy <2,>=1.26
            numpy[version=1.26.*, build=py312_0]    -> numpy 1.26.* py312_0
            numpy[ version='1.26' ]                 -> numpy ==1.26
            tzdata >=2024.01,<2025.001a01           -> tzdata <2025.1a1,>=2024.1
            numpy 01.026.0                          -> numpy ==1.26.0
            numpy 0!1.0.*                           -> numpy 0!1.0.*
            numpy[version = '1.26', build= py*]     -> numpy ==1.26 py*
            numpy[version='=1.26']                  -> numpy 1.26.*
            numpy[channel=conda-forge/linux-64]     -> conda-forge/linux-64::numpy
            numpy[channel=conda-forge,subdir=osx-arm64] -> conda-forge/osx-arm64::numpy
            numpy >=1.26 [build=py312_0]            -> numpy >=1.26 py312_0
            """)
    void printsTheCanonicalForm(String text, String canonical) {
        assertThat(CondaMatchSpec.parse(text).canonical()).isEqualTo(canonical);
    }

    @Test
    void equalMeaningsPrintEqually() {
        List<String> spellings =
                List.of(
                        "NumPy==1.26.4",
                        "numpy 1.26.4",
                        "numpy[version='==1.26.4']",
                        "numpy[version=1.26.4]",
                        "numpy == 1.26.4",
                        "numpy==1.26.4 *");
        assertThat(spellings)
                .extracting(s -> CondaMatchSpec.parse(s).canonical())
                .containsOnly("numpy ==1.26.4");
        assertThat(spellings)
                .extracting(CondaMatchSpec::parse)
                .containsOnly(CondaMatchSpec.parse("numpy==1.26.4"));
    }

    @Test
    void canonicalFormParsesBackToItself() {
        for (String text :
                List.of(
                        "conda-forge/linux-64::numpy <2,>=1.26 py312_0",
                        "numpy * py*",
                        "numpy ==1.2|==1.3",
                        "python 3.12.*",
                        "numpy 1.11.1.*|==1.11.3")) {
            assertThat(CondaMatchSpec.parse(text).canonical()).isEqualTo(text);
        }
    }

    @Test
    void exposesTheParts() {
        CondaMatchSpec spec = CondaMatchSpec.parse("conda-forge/linux-64::NumPy>=1.26,<2=py312_0");
        assertThat(spec.channel()).isEqualTo("conda-forge");
        assertThat(spec.subdir()).isEqualTo("linux-64");
        assertThat(spec.name()).isEqualTo("numpy");
        assertThat(spec.version().canonical()).isEqualTo("<2,>=1.26");
        assertThat(spec.build()).isEqualTo("py312_0");
        assertThat(spec.isBareName()).isFalse();
        assertThat(CondaMatchSpec.parse("numpy").isBareName()).isTrue();
    }

    @ParameterizedTest(name = "{0}: {1} at column {2}")
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
            ''                                 | expected a package name                                      | 1
            numpy>>1                           | expected a version after ">"                                 | 7
            numpy >=                           | expected a version after ">="                                | 9
            numpy>=1.26,                       | expected a version after ","                                 | 13
            numpy; rm -rf /                    | unexpected ";" (shell metacharacters have no place here)     | 6
            numpy$(id)                         | unexpected "$" (shell metacharacters have no place here)     | 6
            numpy `id`                         | unexpected "`" (shell metacharacters have no place here)     | 7
            numpy 1.26 && curl x               | unexpected "&" (shell metacharacters have no place here)     | 12
            conda-forge:numpy                  | a channel is separated from the name by "::", not ":"        | 12
            ::numpy                            | expected a package name                                      | 1
            conda-forge::                      | expected a package name after "::"                           | 14
            num*py                             | wildcards in package names are not supported                 | 1
            -numpy                             | invalid package name "-numpy": package names are letters, digits, "_", "." and "-" | 1
            numpy>=1.*                         | a wildcard goes with ==, != or no operator, not with >=      | 8
            numpy 1.*.3                        | a wildcard may only end a version, as in 1.26.*              | 7
            numpy==1..2                        | invalid version "1..2"                                       | 8
            numpy 1.26-2                       | invalid version "1.26-2"                                     | 7
            numpy ~1.2                         | "~" must be followed by "="                                  | 7
            numpy 1.26 py312_0 extra           | expected the end of the match spec after "py312_0"           | 20
            numpy * py**                       | invalid build string "py**": one "*" matches any text, "**" is not a glob conda reads | 9
            numpy=1.26=py-312                  | invalid build string "py-312": build strings are letters, digits, "_", ".", "+" and "*" | 12
            numpy 'x'                          | expected the end of the match spec after "numpy"             | 7
            numpy[]                            | empty brackets                                               | 6
            numpy[foo=bar]                     | unsupported key "foo": only version, build, channel and subdir are supported | 7
            numpy[version='1',version='2']     | the version is given twice                                   | 19
            numpy[version=1 build=py]          | expected "," or "]" after "1"                                | 17
            numpy==1[version=2]                | the version is given twice                                   | 10
            numpy=1=py[build=py]               | the build is given twice                                     | 12
            c::numpy[channel=d]                | the channel is given twice                                   | 18
            c/linux-64::numpy[subdir=noarch]   | the subdir is given twice                                    | 19
            numpy[version='>=1.26]             | unterminated quote                                           | 15
            numpy[version='>>1']               | expected a version after ">"                                 | 17
            numpy[version]                     | expected "=" after "version"                                 | 14
            numpy[subdir=linux-64]             | a subdir needs a channel: write channel/subdir::name         | 1
            numpy[subdir=mars-64]              | unknown subdir "mars-64"                                     | 14
            Conda_Forge!::numpy                | invalid channel "Conda_Forge!": channel names are letters, digits, ".", "_" and "-" | 1
            """)
    void refusesWithAPosition(String text, String reason, int column) {
        SpecSyntaxException error =
                catchThrowableOfType(() -> CondaMatchSpec.parse(text), SpecSyntaxException.class);
        assertThat(error).as(text).isNotNull();
        assertThat(error.reason()).isEqualTo(reason);
        assertThat(error.column()).isEqualTo(column);
        assertThat(error.getMessage()).isEqualTo(reason + " at column " + column);
    }

    @Test
    void refusesNewlinesAndControlCharactersOnPurpose() {
        for (String text :
                List.of(
                        "numpy\n",
                        "numpy\r\nscipy",
                        "num\tpy",
                        "numpy\u0000",
                        "numpy\u202e",
                        "nümpy")) {
            SpecSyntaxException error =
                    catchThrowableOfType(
                            () -> CondaMatchSpec.parse(text), SpecSyntaxException.class);
            assertThat(error).as(Violation.quote(text)).isNotNull();
            assertThat(error.deliberate()).isTrue();
            assertThat(error.reason())
                    .containsPattern(
                            "(newline|control character|non-ASCII character) U\\+[0-9A-F]{4}");
        }
    }
}
