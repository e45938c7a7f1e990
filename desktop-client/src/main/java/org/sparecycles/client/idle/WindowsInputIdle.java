package org.sparecycles.client.idle;

import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.User32;
import com.sun.jna.platform.win32.WinUser;
import java.time.Duration;

/** User-input idle time on Windows: {@code GetTickCount() - GetLastInputInfo().dwTime}, through JNA. */
final class WindowsInputIdle implements InputIdleSource {
    private final WinUser.LASTINPUTINFO info = new WinUser.LASTINPUTINFO();

    @Override
    public Duration idleTime() {
        if (!User32.INSTANCE.GetLastInputInfo(info)) {
            return null;
        }
        // both are 32-bit millisecond tick counts that wrap after 49.7 days; the difference survives the wrap
        int idle = Kernel32.INSTANCE.GetTickCount() - info.dwTime;
        return Duration.ofMillis(Integer.toUnsignedLong(idle));
    }

    @Override
    public String name() {
        return "Windows GetLastInputInfo";
    }
}
