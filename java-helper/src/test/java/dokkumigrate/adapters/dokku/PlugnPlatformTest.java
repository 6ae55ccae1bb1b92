package dokkumigrate.adapters.dokku;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class PlugnPlatformTest {

    @Test
    void publishRestartAndResourceFlagsAreDroppedWithTheirValues() {
        assertEquals(List.of(), PlugnPlatform.withoutFilteredFlags(List.of(
                "--publish", "80:80", "-p", "80", "--restart=always", "--memory", "1g", "--cpus=2")));
    }

    @Test
    void otherFlagsAreKeptInOrder() {
        assertEquals(List.of("--env=FOO", "-v", "a:b", "--label=x"),
                PlugnPlatform.withoutFilteredFlags(List.of("--env=FOO", "-v", "a:b", "--label=x")));
    }

    @Test
    void keptAndDroppedFlagsMayBeInterleaved() {
        assertEquals(List.of("--env=FOO", "-v", "a:b", "--label=x", "--network", "backend"),
                PlugnPlatform.withoutFilteredFlags(List.of(
                        "--publish", "80:80", "--env=FOO", "-p", "80", "-v", "a:b", "--restart=always",
                        "--memory", "1g", "--label=x", "--cpus=2", "--network", "backend")));
    }

    @Test
    void everyFilteredFlagIsDroppedInBothSpellings() {
        for (String flag : List.of("--cpus", "--gpus", "--memory", "--memory-reservation", "--memory-swap",
                "--publish", "--restart")) {
            assertEquals(List.of("--init"), PlugnPlatform.withoutFilteredFlags(List.of(flag, "1", "--init")), flag);
            assertEquals(List.of("--init"), PlugnPlatform.withoutFilteredFlags(List.of(flag + "=1", "--init")), flag);
        }
    }

    @Test
    void aFlagThatOnlyStartsLikeAFilteredOneIsKept() {
        assertEquals(List.of("--memory-swappiness", "10", "--cpuset-cpus=0", "--publisher=x"),
                PlugnPlatform.withoutFilteredFlags(List.of("--memory-swappiness", "10", "--cpuset-cpus=0", "--publisher=x")));
    }

    @Test
    void aFilteredFlagAtTheEndWithoutValueIsDropped() {
        assertEquals(List.of("--env=FOO"), PlugnPlatform.withoutFilteredFlags(List.of("--env=FOO", "--publish")));
    }

    @Test
    void anAttachedValueThatNamesAFilteredFlagIsKept() {
        assertEquals(List.of("--env", "PORT=5000", "--label=--memory"),
                PlugnPlatform.withoutFilteredFlags(List.of("--env", "PORT=5000", "--label=--memory")));
    }

    @Test
    void noArgumentsGiveNone() {
        assertEquals(List.of(), PlugnPlatform.withoutFilteredFlags(List.of()));
    }

    @Test
    void theDeployedImageIsDokkusOwnWhenNoPluginAnswers() {
        assertEquals("dokku/shop:latest", PlugnPlatform.deployedImage("shop", "", "", "").name());
        // registry without a custom repo always answers dokku/APP, and an empty line for the server
        assertEquals("dokku/shop:latest", PlugnPlatform.deployedImage("shop", "\n", "dokku/shop\n", "").name());
    }

    @Test
    void theDeployedImageFollowsARegistrysRepositoryRepoAndTag() {
        assertEquals("registry.example.com/acme/shop:7",
                PlugnPlatform.deployedImage("shop", "registry.example.com/\n", "acme/shop\n", "7\n").name());
        assertEquals("acme/shop:latest", PlugnPlatform.deployedImage("shop", "", "acme/shop", "").name());
    }
}
