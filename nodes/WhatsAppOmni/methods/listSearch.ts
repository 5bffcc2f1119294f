// List searches for resource locators (template picker).
export {};
