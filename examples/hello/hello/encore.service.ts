import { Service } from "encore.dev/service";

// Every file in this directory belongs to the "hello" service.
export default new Service("hello");
