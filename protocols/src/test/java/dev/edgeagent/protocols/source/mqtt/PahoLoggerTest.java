package dev.edgeagent.protocols.source.mqtt;

import org.eclipse.paho.mqttv5.client.logging.Logger;
import org.eclipse.paho.mqttv5.client.logging.LoggerFactory;
import org.junit.jupiter.api.Test;

import java.lang.System.Logger.Level;

import static org.junit.jupiter.api.Assertions.*;

class PahoLoggerTest {

    @Test
    void pahoMakesItsLoggersFromThisClassOnceInstalled() {
        PahoLogger.install();
        Logger a = LoggerFactory.getLogger(LoggerFactory.MQTT_CLIENT_MSG_CAT, "org.eclipse.paho.mqttv5.client.internal.Token");
        Logger b = LoggerFactory.getLogger(LoggerFactory.MQTT_CLIENT_MSG_CAT, "org.eclipse.paho.mqttv5.client.internal.Token");
        assertInstanceOf(PahoLogger.class, a);
        assertNotSame(a, b, "Paho asks for one per token; each is two fields, no log-manager lookup");
    }

    @Test
    void messagesAreTakenFromPahosCatalogueWithTheirInserts() {
        PahoLogger.install();
        Logger log = LoggerFactory.getLogger(LoggerFactory.MQTT_CLIENT_MSG_CAT, "x");
        // catalogue entry 101 is "<init> ClientID={0} ServerURI={1} PersistenceType={2}"
        assertEquals("<init> ClientID=dev ServerURI=tcp://h:1 PersistenceType=mem",
                log.formatMessage("101", new Object[]{"dev", "tcp://h:1", "mem"}));
        assertEquals("not a key {0}", log.formatMessage("not a key {0}", null), "text without a key is kept");
    }

    @Test
    void pahoLevelsMapToTheAgentsLogLevels() {
        assertEquals(Level.ERROR, PahoLogger.level(Logger.SEVERE));
        assertEquals(Level.WARNING, PahoLogger.level(Logger.WARNING));
        assertEquals(Level.INFO, PahoLogger.level(Logger.INFO));
        assertEquals(Level.DEBUG, PahoLogger.level(Logger.FINE));
        assertEquals(Level.TRACE, PahoLogger.level(Logger.FINEST));
    }
}
