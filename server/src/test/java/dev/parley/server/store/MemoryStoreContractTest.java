package dev.parley.server.store;

/** The store contract in memory. */
class MemoryStoreContractTest extends StoreContract {
  @Override
  protected Store open() {
    return new MemoryStore();
  }
}
