package org.sparecycles.client.worker;

import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.WinDef;

/** Puts the current process in Windows' idle priority class. Loaded only on Windows. */
final class WindowsPriority {
    private static final int IDLE_PRIORITY_CLASS = 0x40;

    private WindowsPriority() {
    }

    static void setIdle() {
        try {
            Kernel32 k = Kernel32.INSTANCE;
            if (!k.SetPriorityClass(k.GetCurrentProcess(), new WinDef.DWORD(IDLE_PRIORITY_CLASS))) {
                System.err.println("could not lower priority: error " + k.GetLastError());
            }
        } catch (LinkageError | RuntimeException e) {
            System.err.println("could not lower priority: " + e);
        }
    }
}
