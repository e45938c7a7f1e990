package org.sparecycles.client.ui.tray;

import java.awt.AWTException;
import java.awt.EventQueue;
import java.awt.GraphicsEnvironment;
import java.awt.MenuItem;
import java.awt.PopupMenu;
import java.awt.SystemTray;
import java.awt.TrayIcon;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.sparecycles.client.manager.ClientManager;
import org.sparecycles.client.policy.ActivityMode;

/**
 * The tray icon (java.awt.SystemTray) with Show, Snooze 1 hour, Suspend, Resume and Quit, where the desktop has a
 * tray. Where it has none (many Wayland desktops, Xvfb) or AWT is headless, {@link #install} answers empty and the
 * app goes on without one. Menu actions run on AWT's thread and call the thread-safe manager, or hand over to the
 * FX thread through the {@code show} and {@code quit} callbacks.
 */
public final class Tray implements AutoCloseable {
    /** One menu entry. */
    public record Item(String label, Runnable action) {
    }

    private final TrayIcon icon;

    private Tray(TrayIcon icon) {
        this.icon = icon;
    }

    /**
     * The menu: Show, Snooze 1 hour, Suspend, Resume (back to the activity chosen before Suspend; "based on
     * preferences" if it was already suspended at start) and Quit.
     */
    public static List<Item> items(ClientManager manager, Runnable show, Runnable quit) {
        ActivityMode[] beforeSuspend = {manager.mode() == ActivityMode.SUSPENDED
                ? ActivityMode.PREFERENCES : manager.mode()};
        return List.of(
                new Item("Show SpareCycles", show),
                new Item("Snooze 1 hour", () -> manager.snooze(Duration.ofHours(1))),
                new Item("Suspend", () -> {
                    ActivityMode now = manager.mode();
                    if (now != ActivityMode.SUSPENDED) {
                        beforeSuspend[0] = now;
                    }
                    manager.setMode(ActivityMode.SUSPENDED);
                }),
                new Item("Resume", () -> manager.setMode(beforeSuspend[0])),
                new Item("Quit", quit));
    }

    /** Adds the icon when this desktop has a tray; empty (and nothing changed) when it has none. */
    public static Optional<Tray> install(List<Item> items) {
        try {
            if (GraphicsEnvironment.isHeadless() || !SystemTray.isSupported()) {
                return Optional.empty();
            }
            PopupMenu menu = new PopupMenu();
            for (Item item : items) {
                MenuItem m = new MenuItem(item.label());
                m.addActionListener(e -> item.action().run());
                menu.add(m);
            }
            TrayIcon icon = new TrayIcon(image(SystemTray.getSystemTray().getTrayIconSize().width), "SpareCycles", menu);
            icon.setImageAutoSize(true);
            icon.addActionListener(e -> items.get(0).action().run()); // double click: show
            SystemTray.getSystemTray().add(icon);
            return Optional.of(new Tray(icon));
        } catch (AWTException | RuntimeException | LinkageError e) {
            return Optional.empty(); // no tray after all: the window has every action too
        }
    }

    /** A plain round icon (green), drawn so no image file has to ship. */
    private static BufferedImage image(int size) {
        int s = Math.max(16, size);
        BufferedImage img = new BufferedImage(s, s, BufferedImage.TYPE_INT_ARGB);
        var g = img.createGraphics();
        g.setRenderingHint(java.awt.RenderingHints.KEY_ANTIALIASING, java.awt.RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(new java.awt.Color(0x2e, 0x7d, 0x32));
        g.fillOval(1, 1, s - 2, s - 2);
        g.setColor(java.awt.Color.WHITE);
        g.fillOval(s / 3, s / 3, s / 3, s / 3);
        g.dispose();
        return img;
    }

    @Override
    public void close() {
        EventQueue.invokeLater(() -> SystemTray.getSystemTray().remove(icon));
    }
}
