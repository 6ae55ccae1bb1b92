package dokkumigrate.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class AppImageTest {
    @Test
    void theTagIsWhatFollowsTheLastColon() {
        assertEquals("latest", new AppImage("dokku/shop:latest").tag());
        assertEquals("7", new AppImage("registry.example.com/acme/shop:7").tag());
    }

    @Test
    void aRegistryPortIsNotATag() {
        assertEquals("3", new AppImage("registry.example.com:5000/shop:3").tag());
        assertEquals("latest", new AppImage("registry.example.com:5000/shop").tag());
    }

    @Test
    void aBlankNameIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new AppImage(" "));
    }
}
