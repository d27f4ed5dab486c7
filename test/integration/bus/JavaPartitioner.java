// Java's own answer for "which partition does this key go to": the Kafka producer's BuiltInPartitioner
// (murmur2 + toPositive % n) from kafka-clients. Run as a single-file program:
//   java -cp '<kafka libs>/*' JavaPartitioner.java <partitions> <key>...
// prints "<murmur2> <partition>" per key.
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.utils.Utils;

public class JavaPartitioner {
  public static void main(String[] args) {
    int partitions = Integer.parseInt(args[0]);
    for (int i = 1; i < args.length; i++) {
      byte[] key = args[i].getBytes(StandardCharsets.UTF_8);
      System.out.println(Utils.murmur2(key) + " " + BuiltInPartitioner.partitionForKey(key, partitions));
    }
  }
}
