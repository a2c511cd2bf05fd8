package dev.terrarium.buildcontext;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SshLoginsTest {

    @Test
    void eachGitSshUrlWithALoginMapsHowTheFreezeWritesItToHowTheSpecDoes() {
        assertThat(
                        InputRules.sshLogins(
                                List.of(
                                        "tools @ git+ssh://git@git.example.com/team/tools.git@v1.2",
                                        "git+ssh://deploy@git.example.com:2222/team/data.git",
                                        "anon @ git+ssh://git.example.com/team/anon.git@main",
                                        "requests==2.32.3",
                                        "lib @ git+https://github.com/org/lib.git@main")))
                .containsExactly(
                        Map.entry(
                                "git+ssh://git.example.com/team/tools.git@",
                                "git+ssh://git@git.example.com/team/tools.git@"),
                        Map.entry(
                                "git+ssh://git.example.com:2222/team/data.git@",
                                "git+ssh://deploy@git.example.com:2222/team/data.git@"));
    }

    @Test
    void aRepositoryWhosePathBeginsWithAnothersIsNotTakenForIt() {
        String lock =
                "tools @ git+ssh://git.example.com/team/tools.git@0123\n"
                        + "tools-extra @ git+ssh://git.example.com/team/tools.git-extra@4567\n";
        String restored = lock;
        for (var login :
                InputRules.sshLogins(
                                List.of("tools @ git+ssh://git@git.example.com/team/tools.git@v1"))
                        .entrySet()) {
            restored = restored.replace(login.getKey(), login.getValue());
        }
        assertThat(restored)
                .isEqualTo(
                        "tools @ git+ssh://git@git.example.com/team/tools.git@0123\n"
                                + "tools-extra @ git+ssh://git.example.com/team/tools.git-extra@4567\n");
    }
}
