package dev.edgeagent.protocols.source.mqtt;

import org.eclipse.paho.mqttv5.client.logging.Logger;
import org.eclipse.paho.mqttv5.client.logging.LoggerFactory;

import java.lang.System.Logger.Level;
import java.text.MessageFormat;
import java.util.MissingResourceException;
import java.util.ResourceBundle;

/**
 * Paho's log calls, through one {@link System.Logger}. Paho makes a logger for every token, that is for every
 * message and acknowledgement, and its default (JSR-47) one looks up a java.util.logging logger by name each
 * time: under Quarkus' log manager that is a registry walk with substrings, a logger object and phantom
 * references for the collector to process; at 4 000 MQTT messages/s it was ~1 MB/s of allocation and 13 000
 * references live at once (class histogram, 4x reference vehicle). This one holds two references and keeps
 * Paho's messages: warnings and errors as before, the rest where the "org.eclipse.paho.mqttv5.client" logger is
 * set to DEBUG or TRACE.
 */
public final class PahoLogger implements Logger {

    private static final System.Logger LOG = System.getLogger("org.eclipse.paho.mqttv5.client");

    private ResourceBundle messages;
    private String resource;

    /** Makes every Paho client created after this call log through this class. */
    public static void install() {
        LoggerFactory.setLogger(PahoLogger.class.getName());
    }

    /** Paho instantiates its loggers by class name. */
    public PahoLogger() {
    }

    static Level level(int pahoLevel) {
        return switch (pahoLevel) {
            case SEVERE -> Level.ERROR;
            case WARNING -> Level.WARNING;
            case INFO -> Level.INFO;
            case CONFIG, FINE -> Level.DEBUG;
            default -> Level.TRACE;
        };
    }

    @Override
    public void initialise(ResourceBundle messageCatalog, String loggerId, String resourceName) {
        this.messages = messageCatalog;
        this.resource = resourceName;
    }

    @Override
    public void setResourceName(String logContext) {
        this.resource = logContext;
    }

    @Override
    public boolean isLoggable(int level) {
        return LOG.isLoggable(level(level));
    }

    @Override
    public void log(int level, String sourceClass, String sourceMethod, String msg, Object[] inserts, Throwable thrown) {
        Level l = level(level);
        if (!LOG.isLoggable(l)) {
            return;
        }
        String text = formatMessage(msg, inserts);
        String where = (resource != null ? resource + ": " : "") + shortName(sourceClass) + "." + sourceMethod + ": ";
        if (thrown != null) {
            LOG.log(l, where + text, thrown);
        } else {
            LOG.log(l, where + text);
        }
    }

    private static String shortName(String className) {
        return className == null ? "?" : className.substring(className.lastIndexOf('.') + 1);
    }

    /** Paho passes message keys ("Msg 121") of its catalogue, or plain text where it has none. */
    @Override
    public String formatMessage(String msg, Object[] inserts) {
        String pattern = msg;
        if (messages != null && msg != null) {
            try {
                pattern = messages.getString(msg);
            } catch (MissingResourceException e) {
                pattern = msg;
            }
        }
        if (pattern == null) {
            return "";
        }
        return inserts == null || inserts.length == 0 ? pattern : MessageFormat.format(pattern, inserts);
    }

    @Override
    public void trace(int level, String sourceClass, String sourceMethod, String msg, Object[] inserts, Throwable ex) {
        log(FINEST, sourceClass, sourceMethod, msg, inserts, ex);
    }

    @Override
    public void dumpTrace() {
        // Paho's in-memory trace buffer is not kept
    }

    @Override public void severe(String c, String m, String msg) { log(SEVERE, c, m, msg, null, null); }
    @Override public void severe(String c, String m, String msg, Object[] i) { log(SEVERE, c, m, msg, i, null); }
    @Override public void severe(String c, String m, String msg, Object[] i, Throwable t) { log(SEVERE, c, m, msg, i, t); }
    @Override public void warning(String c, String m, String msg) { log(WARNING, c, m, msg, null, null); }
    @Override public void warning(String c, String m, String msg, Object[] i) { log(WARNING, c, m, msg, i, null); }
    @Override public void warning(String c, String m, String msg, Object[] i, Throwable t) { log(WARNING, c, m, msg, i, t); }
    @Override public void info(String c, String m, String msg) { log(INFO, c, m, msg, null, null); }
    @Override public void info(String c, String m, String msg, Object[] i) { log(INFO, c, m, msg, i, null); }
    @Override public void info(String c, String m, String msg, Object[] i, Throwable t) { log(INFO, c, m, msg, i, t); }
    @Override public void config(String c, String m, String msg) { log(CONFIG, c, m, msg, null, null); }
    @Override public void config(String c, String m, String msg, Object[] i) { log(CONFIG, c, m, msg, i, null); }
    @Override public void config(String c, String m, String msg, Object[] i, Throwable t) { log(CONFIG, c, m, msg, i, t); }
    @Override public void fine(String c, String m, String msg) { log(FINE, c, m, msg, null, null); }
    @Override public void fine(String c, String m, String msg, Object[] i) { log(FINE, c, m, msg, i, null); }
    @Override public void fine(String c, String m, String msg, Object[] i, Throwable t) { log(FINE, c, m, msg, i, t); }
    @Override public void finer(String c, String m, String msg) { log(FINER, c, m, msg, null, null); }
    @Override public void finer(String c, String m, String msg, Object[] i) { log(FINER, c, m, msg, i, null); }
    @Override public void finer(String c, String m, String msg, Object[] i, Throwable t) { log(FINER, c, m, msg, i, t); }
    @Override public void finest(String c, String m, String msg) { log(FINEST, c, m, msg, null, null); }
    @Override public void finest(String c, String m, String msg, Object[] i) { log(FINEST, c, m, msg, i, null); }
    @Override public void finest(String c, String m, String msg, Object[] i, Throwable t) { log(FINEST, c, m, msg, i, t); }
}
