package org.duplex.mirror.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.duplex.mirror.engine.VolumeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code activity.log.extents}: DRBD's al-extents, the bound on what a power loss of a leg resyncs. */
class ActivityLogSettingsTest {
    @TempDir
    Path dir;

    private VolumeSettings parse(Object extents) {
        Map<String, Object> p = new HashMap<>();
        p.put("name", "data");
        p.put("size", "4M");
        p.put("backing.path", dir.resolve("data.img").toString());
        p.put("nbd.address", "");
        if (extents != null) {
            p.put("activity.log.extents", extents);
        }
        return VolumeSettings.parse(p, dir, dir);
    }

    @Test
    void theDefaultIsDrbdsAndAnOperatorCanBoundIt() {
        assertThat(parse(null).volume().activityLogExtents()).isEqualTo(1237);
        assertThat(parse("16").volume().activityLogExtents()).isEqualTo(16);
    }

    @Test
    void badValuesNameTheVolumeTheKeyAndTheValue() {
        assertThatThrownBy(() -> parse("0")).hasMessageContaining("mirror volume data")
                .hasMessageContaining("'activity.log.extents' must be positive, was 0");
        assertThatThrownBy(() -> parse("many")).hasMessageContaining("'activity.log.extents' must be a number, was 'many'");
        assertThatThrownBy(() -> parse("70000")).hasMessageContaining("'activity.log.extents' must be at most 65534");
        assertThatThrownBy(() -> VolumeConfig.of("v", 4096, dir.resolve("x"), dir).withActivityLogExtents(0))
                .hasMessageContaining("activity log extents must be 1..65534, got 0");
    }
}
