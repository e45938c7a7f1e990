package org.sparecycles.client.idle;

import com.sun.jna.platform.mac.IOKit;
import com.sun.jna.platform.mac.IOKitUtil;
import java.time.Duration;

/** User-input idle time on macOS: the {@code HIDIdleTime} property of IOKit's {@code IOHIDSystem} (nanoseconds). */
final class MacInputIdle implements InputIdleSource {
    @Override
    public Duration idleTime() {
        IOKit.IOService service = IOKitUtil.getMatchingService("IOHIDSystem");
        if (service == null) {
            return null;
        }
        try {
            Long nanos = service.getLongProperty("HIDIdleTime");
            return nanos == null ? null : Duration.ofNanos(nanos);
        } finally {
            service.release();
        }
    }

    @Override
    public String name() {
        return "macOS IOKit HIDIdleTime";
    }
}
