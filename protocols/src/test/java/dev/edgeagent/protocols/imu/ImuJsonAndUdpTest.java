package dev.edgeagent.protocols.imu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.edgeagent.protocols.testing.CollectingSink;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class ImuJsonAndUdpTest {

    private static UnsafeBuffer ascii(String s) {
        return new UnsafeBuffer(s.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void recordLayoutIsTheDocumentedLittleEndianBytes() {
        ImuSample s = new ImuSample();
        s.timeNs = 1403715273262142976L;
        s.gyroX = 0.5;
        s.accelZ = -9.81;
        s.hasMagneticField = true;
        s.magY = 42.25;
        UnsafeBuffer out = new UnsafeBuffer(new byte[ImuRecord.LENGTH]);
        assertEquals(116, ImuRecord.encode(s, out, 0));
        ByteBuffer bb = ByteBuffer.wrap(out.byteArray()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(1, bb.get(0));
        assertEquals(2, bb.get(1)); // magnetic field flag only
        assertEquals(1403715273262142976L, bb.getLong(4));
        assertEquals(0.5, bb.getDouble(12));
        assertEquals(-9.81, bb.getDouble(36 + 16));
        assertEquals(0.0, bb.getDouble(60)); // no orientation
        assertEquals(42.25, bb.getDouble(92 + 8));
        ImuSample back = new ImuSample();
        ImuRecord.decode(out, 0, ImuRecord.LENGTH, back);
        assertEquals(s.toString(), back.toString());
        out.putByte(1, (byte) 0x80);
        assertEquals("imu-bad-record", assertThrows(ImuFormatException.class,
                () -> ImuRecord.decode(out, 0, ImuRecord.LENGTH, back)).code());
    }

    @Test
    void jsonConversion() {
        ImuJson json = new ImuJson();
        ImuSample s = new ImuSample();
        String text = "{\"t\": 1700000000.125, \"id\": {\"x\": [1, \"a\"]}, \"gyro_dps\": [90, -45, 0],"
                + " \"accel_g\": [0, 0.5, 1], \"quat\": [1, 0, 0, 0], \"mag\": [15.3, 0.4, -41], \"ok\": true}";
        UnsafeBuffer b = ascii(text);
        json.parse(b, 0, text.length(), s);
        assertEquals(1_700_000_000_125_000_000L, s.timeNs);
        assertEquals(Math.PI / 2, s.gyroX, 1e-15);
        assertEquals(-Math.PI / 4, s.gyroY, 1e-15);
        assertEquals(0.5 * 9.80665, s.accelY, 1e-15);
        assertEquals(9.80665, s.accelZ, 1e-15);
        assertTrue(s.hasOrientation && s.hasMagneticField);
        assertEquals(-41, s.magZ, 0);

        String ns = "{\"t_ns\":1403715273262142976,\"gyro\":[0.1,0.2,0.3],\"accel\":[1,2,3]}";
        json.parse(ascii(ns), 0, ns.length(), s);
        assertEquals(1403715273262142976L, s.timeNs);
        assertEquals(0.2, s.gyroY, 0);
        assertEquals(3, s.accelZ, 0);
        assertTrue(!s.hasOrientation && !s.hasMagneticField);

        String noAccel = "{\"gyro\":[0,0,0]}";
        ImuFormatException e = assertThrows(ImuFormatException.class,
                () -> json.parse(ascii(noAccel), 0, noAccel.length(), s));
        assertEquals("imu-bad-json", e.code());
        String badNumber = "{\"gyro\":[0,x,0],\"accel\":[0,0,0]}";
        e = assertThrows(ImuFormatException.class, () -> json.parse(ascii(badNumber), 0, badNumber.length(), s));
        assertEquals("{\"gyro\":[0,".length(), e.offset());

        // MQTT path: no time in the JSON -> the fallback time
        UnsafeBuffer out = new UnsafeBuffer(new byte[ImuRecord.LENGTH]);
        String noTime = "{\"gyro\":[0,0,1],\"accel\":[0,0,9.8]}";
        assertEquals(77L, json.toRecord(ascii(noTime), 0, noTime.length(), 77L, s, out, 0));
        assertEquals(77L, out.getLong(ImuRecord.OFFSET_TIME, ByteOrder.LITTLE_ENDIAN));
    }

    @Test
    void udpSourceTakesJsonAndBinaryDatagramsAndReportsOthers() throws Exception {
        CollectingSink sink = new CollectingSink();
        List<String> bad = new ArrayList<>();
        ImuUdpSource source = new ImuUdpSource(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), sink,
                (k, o, d) -> bad.add(k), new org.agrona.concurrent.OffsetEpochNanoClock(), 64);
        source.doWork();
        int port = source.boundPort();
        assertTrue(port > 0);

        ImuSample s = new ImuSample();
        s.timeNs = 123_456_789L;
        s.gyroZ = 1.5;
        s.accelX = 2.5;
        byte[] binary = new byte[ImuRecord.LENGTH];
        ImuRecord.encode(s, new UnsafeBuffer(binary), 0);
        byte[] jsonBytes = "{\"t_ns\":5,\"gyro\":[1,2,3],\"accel\":[4,5,6]}".getBytes(StandardCharsets.US_ASCII);
        try (DatagramSocket client = new DatagramSocket()) {
            InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            client.send(new DatagramPacket(jsonBytes, jsonBytes.length, to));
            client.send(new DatagramPacket(new byte[] {1, 2, 3}, 3, to));
            client.send(new DatagramPacket(binary, binary.length, to));
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while ((sink.size() < 2 || bad.isEmpty()) && System.nanoTime() < deadline) {
            if (source.doWork() == 0) {
                Thread.sleep(1);
            }
        }
        source.onClose();
        assertEquals(2, sink.size());
        assertEquals(List.of("imu-bad-datagram"), bad);
        CollectingSink.Captured first = sink.records().get(0);
        assertEquals(5L, first.sensorTimeNs());
        ImuSample got = new ImuSample();
        ImuRecord.decode(new UnsafeBuffer(first.payload()), 0, first.payload().length, got);
        assertEquals(2, got.gyroY, 0);
        assertEquals(6, got.accelZ, 0);
        CollectingSink.Captured second = sink.records().get(1);
        assertEquals(123_456_789L, second.sensorTimeNs());
        assertArrayEquals(binary, second.payload());
        assertEquals(0, second.key().length);
    }
}
