import { Kafka, logLevel, Partitioners } from "kafkajs";
import { afterAll, describe, expect, it } from "vitest";
import { requireEnv, uniqueName } from "./env.ts";

const brokers = requireEnv("kafka", "DOCMESH_KAFKA_BROKERS").split(",");

describe("kafka (real broker)", () => {
  const kafka = new Kafka({ clientId: "docmesh-smoke", brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  const consumer = kafka.consumer({ groupId: uniqueName("smoke-group") });

  afterAll(async () => {
    await Promise.allSettled([consumer.disconnect(), producer.disconnect(), admin.disconnect()]);
  });

  it("produces and consumes a record", async () => {
    const topic = uniqueName("smoke");
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });

    await producer.connect();
    const value = `hello ${topic}`;
    const [meta] = await producer.send({
      topic,
      messages: [{ key: "k1", value, headers: { "x-docmesh": "smoke" } }],
    });
    expect(meta?.errorCode).toBe(0);

    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received = await new Promise<{ key: string; value: string; header: string }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("kafka: no record consumed within 60 s")), 60_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          clearTimeout(timer);
          resolve({
            key: message.key?.toString() ?? "",
            value: message.value?.toString() ?? "",
            header: message.headers?.["x-docmesh"]?.toString() ?? "",
          });
        },
      });
    });
    expect(received).toEqual({ key: "k1", value, header: "smoke" });

    const offsets = await admin.fetchTopicOffsets(topic);
    expect(offsets[0]?.high).toBe("1");
    await admin.deleteTopics({ topics: [topic] });
  });
});
