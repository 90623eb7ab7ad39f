// Firebase web config: public by design, restricted to our domains in the console.
const firebaseConfig = {
  apiKey: "{{GOOGLE_API_KEY}}",
  authDomain: "acme-web.firebaseapp.com",
  projectId: "acme-web",
};
export default firebaseConfig;
