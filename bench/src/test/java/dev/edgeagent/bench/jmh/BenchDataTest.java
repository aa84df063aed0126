package dev.edgeagent.bench.jmh;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The corpora are what the benchmarks' javadoc says they are. */
class BenchDataTest {

    @Test
    void canCorpusIsEveryFrameOfTheCivicLogAsSixteenByteRecords() {
        BenchData.Corpus c = BenchData.can();
        assertEquals(28835, c.count()); // SOURCES.md: 28835 classic frames
        for (int n : c.lengths()) {
            assertEquals(BenchData.CAN_RECORD, n);
        }
        assertTrue(c.times()[0] > 1_674_000_000_000_000_000L && c.times()[c.count() - 1] > c.times()[0]);
    }

    @Test
    void lidarCorpusIsTheOusterPacketsPayloads() {
        BenchData.Corpus c = BenchData.lidar();
        int lidar = 0;
        int imu = 0;
        for (int n : c.lengths()) {
            if (n == 8448) {
                lidar++;
            } else if (n == 48) {
                imu++;
            }
        }
        assertEquals(192, lidar);
        assertEquals(30, imu);
    }

    @Test
    void jsonDocumentsAreAboutTwoHundredBytes() {
        BenchData.Corpus c = BenchData.json(1024);
        double mean = c.bytes() / (double) c.count();
        assertTrue(mean > 180 && mean < 230, "mean " + mean);
        String first = new String(c.data(), c.offsets()[0], c.lengths()[0], java.nio.charset.StandardCharsets.US_ASCII);
        assertTrue(first.startsWith("{\"vin\":") && first.endsWith("}"), first);
    }

    @Test
    void mcapChunkIsMessageRecordsCutToTheSize() {
        BenchData.Corpus c = BenchData.json(64);
        byte[] chunk = BenchData.mcapChunk(c, 100_000);
        assertEquals(100_000, chunk.length);
        ByteBuffer b = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x05, b.get(0));
        long length = b.getLong(1);
        assertEquals(2 + 4 + 8 + 8 + c.lengths()[0], length);
        assertEquals(0x05, b.get(9 + (int) length)); // the second record follows the first
    }
}
